package io.guestnode.agents.testing;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;

/**
 * What a decoder of untrusted bytes must keep to for every input: it ends with a result or with one of
 * its own reported failures, within a CPU-time budget, and allocating less than a ceiling. Fuzz tests
 * run each input through {@link #check} so that a breach is a finding.
 *
 * @param cpuTime   CPU time of the calling thread one input may take
 * @param allocated bytes one input may allocate on the calling thread
 * @param reported  the failures the decoder is allowed to end with
 */
public record DecodeBounds(Duration cpuTime, long allocated, List<Class<? extends Exception>> reported) {

    /** One second of CPU and 16 MiB per input, as the fuzz tests demand of every decoder. */
    public static DecodeBounds of(List<Class<? extends Exception>> reported) {
        return new DecodeBounds(Duration.ofSeconds(1), 16L * 1024 * 1024, reported);
    }

    public DecodeBounds {
        reported = List.copyOf(reported);
    }

    /** The decoding step under test; may throw anything, which {@link #check} then judges. */
    @FunctionalInterface
    public interface Decoding {
        void run() throws Exception;
    }

    /**
     * Runs {@code decoding} and fails with an {@link AssertionError} when it throws anything not in
     * {@link #reported}, or exceeds the CPU time or allocation ceiling. A run over a ceiling is repeated once
     * and the repetition judged: the first run in a JVM also pays for loading (and, under the fuzzer,
     * instrumenting) classes on this thread, which is no cost of the input. {@code decoding} must therefore
     * start afresh on every run.
     */
    public void check(String what, Decoding decoding) {
        String breach = measure(what, decoding);
        if (breach != null) {
            breach = measure(what, decoding);
        }
        if (breach != null) {
            throw new AssertionError(breach);
        }
    }

    /** One run: the breach of a ceiling, or null; an escaping exception fails at once. */
    private String measure(String what, Decoding decoding) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long cpuBefore = mx.getCurrentThreadCpuTime();
        long allocBefore = mx.getThreadAllocatedBytes(tid);
        try {
            decoding.run();
        } catch (Exception e) {
            if (reported.stream().noneMatch(c -> c.isInstance(e))) {
                throw new AssertionError(what + " escaped with " + e.getClass().getName() + ": " + e.getMessage(), e);
            }
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpuBefore;
        long bytes = mx.getThreadAllocatedBytes(tid) - allocBefore;
        if (cpu > cpuTime.toNanos()) {
            return what + " took " + cpu / 1_000_000 + " ms of CPU, more than " + cpuTime.toMillis();
        }
        if (bytes > allocated) {
            return what + " allocated " + bytes + " bytes, more than " + allocated;
        }
        return null;
    }
}
