package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.ExecStatus;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Matches results and poke notifications to the requests of one session by call id, and decides what of the rest
 * is kept.
 *
 * <p>pacemaker-remoted stamps every request with a call id from one counter shared by all its clients, and answers
 * a connection's requests in order. So once a reply to this session carried call id H, every request of ours
 * still waiting for its reply will get a call id above H. A result or poke notification whose call id is not
 * ours is therefore kept only while a request that can produce it (an exec, a poke) awaits its reply, and only
 * when its call id is above H: it may be that request's, arriving before the reply. Everything else is another
 * client's or invented and is dropped at once. What is kept stays within a byte budget, oldest dropped first,
 * and is dropped as soon as a reply raises H past it. Every drop is counted ({@link BufferStats}).
 *
 * <p>All methods are called under the correlator's own lock; the futures they return are completed by the caller
 * outside it.
 */
final class CallCorrelator {

    /** What a request waiting for its reply will need matched. */
    sealed interface Expectation {
        /** An exec: its first result completes {@code first}. */
        record Exec(ExecRequest request, CompletableFuture<ExecResult> first) implements Expectation {
        }

        /** A poke: its notification completes {@code done} with the time since {@code startNanos}. */
        record Poke(long startNanos, CompletableFuture<Duration> done) implements Expectation {
        }
    }

    /** Something that arrived before the reply that would make it ours. */
    private sealed interface Early {
        long bytes();
    }

    private record EarlyResult(ExecResult result, long bytes) implements Early {
    }

    private record EarlyPoke(long arrivedNanos) implements Early {
        @Override
        public long bytes() {
            return ENTRY_OVERHEAD;
        }
    }

    /** A result to hand to the operation's {@code first} future, or a poke's round trip to complete. */
    record Completion<T>(CompletableFuture<T> future, T value) {
        void run() {
            future.complete(value);
        }
    }

    private record OpState(ExecRequest request, CompletableFuture<ExecResult> first) {
    }

    /** Map entry, boxed key and record headers: what an empty held item costs, roughly. */
    private static final long ENTRY_OVERHEAD = 96;

    private final long budgetBytes;
    private final Map<Long, Expectation> awaitingReply = new HashMap<>();
    private int execsAwaiting;
    private int pokesAwaiting;
    private final Map<Integer, OpState> operations = new HashMap<>();
    private final Map<Integer, Expectation.Poke> pokes = new HashMap<>();
    private final LinkedHashMap<Integer, Early> early = new LinkedHashMap<>();
    private long highestCallId;
    private long earlyBytes;
    private long peakBytes;
    private long droppedNotOurs;
    private long droppedOverBudget;

    CallCorrelator(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Before request {@code msgId} is written. */
    synchronized void expect(long msgId, Expectation e) {
        awaitingReply.put(msgId, e);
        adjustAwaiting(e, 1);
    }

    /** Request {@code msgId} will get no reply (timed out, or its write failed). */
    synchronized void forget(long msgId) {
        Expectation e = awaitingReply.remove(msgId);
        if (e != null) {
            adjustAwaiting(e, -1);
            dropUnclaimable();
        }
    }

    /**
     * A reply to this session arrived (called on the reader thread before the request's future completes, so an
     * exec's call id is known before its result can be read).
     *
     * @return a completion to run, when something held early was the reply's; else {@code null}
     */
    synchronized Completion<?> onReply(Reply reply) {
        Expectation e = awaitingReply.remove(reply.msgId());
        long stamped = reply.xml().longAttr(Lrmd.CALLID, -1);
        long callId = e instanceof Expectation.Exec && reply.rc() > 0 ? reply.rc() : stamped;
        Completion<?> completion = null;
        if (e != null) {
            adjustAwaiting(e, -1);
            switch (e) {
                case Expectation.Exec x when reply.rc() > 0 -> completion = claimResult(reply.rc(), x);
                case Expectation.Poke p when stamped > 0 && stamped <= Integer.MAX_VALUE ->
                        completion = claimPoke((int) stamped, p);
                default -> {
                    // an exec the remote refused, or a reply without a call id: nothing to match
                }
            }
        }
        if (callId > highestCallId) {
            highestCallId = callId;
        }
        dropUnclaimable();
        return completion;
    }

    private Completion<ExecResult> claimResult(int callId, Expectation.Exec x) {
        ExecResult held = early.get(callId) instanceof EarlyResult r ? r.result() : null;
        if (held != null) {
            removeEarly(callId);
        }
        if (held == null || (x.request().recurring() && held.status() != ExecStatus.CANCELLED)) {
            operations.put(callId, new OpState(x.request(), x.first()));
        }
        return held == null ? null : new Completion<>(x.first(), held);
    }

    private Completion<Duration> claimPoke(int callId, Expectation.Poke p) {
        if (early.get(callId) instanceof EarlyPoke held) {
            removeEarly(callId);
            return new Completion<>(p.done(), Duration.ofNanos(held.arrivedNanos() - p.startNanos()));
        }
        if (!p.done().isDone()) {
            pokes.put(callId, p);
        }
        return null;
    }

    /**
     * A result arrived.
     *
     * @return the completion of the operation's first result when the result is ours (its future may be done
     *         already for recurring operations: completing it again does nothing); {@code null} when not ours
     */
    synchronized Completion<ExecResult> onResult(ExecResult r) {
        OpState op = operations.get(r.callId());
        if (op != null) {
            if (!op.request().recurring() || r.status() == ExecStatus.CANCELLED) {
                operations.remove(r.callId());
            }
            return new Completion<>(op.first(), r);
        }
        if (execsAwaiting > 0 && r.callId() > highestCallId) {
            hold(r.callId(), new EarlyResult(r, estimatedBytes(r)));
        } else {
            droppedNotOurs++;
        }
        return null;
    }

    /** A poke notification arrived; returns the completion of our poke, or {@code null}. */
    synchronized Completion<Duration> onPoke(int callId, long arrivedNanos) {
        Expectation.Poke p = pokes.remove(callId);
        if (p != null) {
            return new Completion<>(p.done(), Duration.ofNanos(arrivedNanos - p.startNanos()));
        }
        if (pokesAwaiting > 0 && callId > highestCallId) {
            hold(callId, new EarlyPoke(arrivedNanos));
        } else {
            droppedNotOurs++;
        }
        return null;
    }

    /** A poke gave up (its deadline passed, or the session ended). */
    synchronized void forgetPoke(CompletableFuture<Duration> done) {
        pokes.values().removeIf(p -> p.done() == done);
    }

    /** The session ended: everything still waiting, to fail; nothing is held any more. */
    synchronized List<CompletableFuture<?>> endAll() {
        List<CompletableFuture<?>> waiting = new ArrayList<>();
        pokes.values().forEach(p -> waiting.add(p.done()));
        operations.values().forEach(o -> waiting.add(o.first()));
        awaitingReply.values().forEach(e -> waiting.add(switch (e) {
            case Expectation.Exec x -> x.first();
            case Expectation.Poke p -> p.done();
        }));
        pokes.clear();
        operations.clear();
        awaitingReply.clear();
        execsAwaiting = 0;
        pokesAwaiting = 0;
        early.clear();
        earlyBytes = 0;
        return waiting;
    }

    synchronized BufferStats stats() {
        return new BufferStats(earlyBytes, early.size(), peakBytes, droppedNotOurs, droppedOverBudget);
    }

    private void hold(int callId, Early item) {
        if (item.bytes() > budgetBytes) {
            droppedOverBudget++;
            return;
        }
        removeEarly(callId);
        early.put(callId, item);
        earlyBytes += item.bytes();
        Iterator<Early> oldest = early.values().iterator();
        while (earlyBytes > budgetBytes) {
            earlyBytes -= oldest.next().bytes();
            oldest.remove();
            droppedOverBudget++;
        }
        peakBytes = Math.max(peakBytes, earlyBytes);
    }

    private void removeEarly(int callId) {
        Early old = early.remove(callId);
        if (old != null) {
            earlyBytes -= old.bytes();
        }
    }

    /**
     * Drops held items that can no longer become ours: those at or below the highest call id, results when no
     * exec awaits its reply, pokes when no poke does (any later request of ours gets a higher call id).
     */
    private void dropUnclaimable() {
        Iterator<Map.Entry<Integer, Early>> it = early.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, Early> e = it.next();
            boolean claimable = e.getKey() > highestCallId && switch (e.getValue()) {
                case EarlyResult r -> execsAwaiting > 0;
                case EarlyPoke p -> pokesAwaiting > 0;
            };
            if (!claimable) {
                earlyBytes -= e.getValue().bytes();
                it.remove();
                droppedNotOurs++;
            }
        }
    }

    private void adjustAwaiting(Expectation e, int delta) {
        switch (e) {
            case Expectation.Exec x -> execsAwaiting += delta;
            case Expectation.Poke p -> pokesAwaiting += delta;
        }
    }

    /** What holding {@code r} costs the heap, roughly: two bytes per character plus object overheads. */
    static long estimatedBytes(ExecResult r) {
        long n = ENTRY_OVERHEAD + 64;
        for (String s : List.of(r.resourceId(), r.action(), r.userData(), r.exitReason(), r.output())) {
            n += 48 + 2L * s.length();
        }
        for (Map.Entry<String, String> p : r.parameters().entrySet()) {
            n += 128 + 2L * (p.getKey().length() + p.getValue().length());
        }
        return n;
    }
}
