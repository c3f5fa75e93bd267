package io.guestnode.operator.cluster;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's self-fence: every local guest of the definitions destroyed at once, in parallel. When every destroy is
 * confirmed and no step ran with a fresh lease meanwhile (it may have claimed and started something), the host is
 * empty: it needs no reset, and its watchdog is kept at bay as an empty host's until its lease is fresh again.
 */
final class SelfFence {
    private static final Logger LOG = LoggerFactory.getLogger(SelfFence.class);

    private final LocalGuests local;
    private final Object lock = new Object();
    private volatile boolean emptied;
    private long freshSteps;

    SelfFence(LocalGuests local) {
        this.local = local;
    }

    /** A step runs with a fresh lease: from here on only the lease keeps the watchdog fed. */
    void freshStep() {
        synchronized (lock) {
            emptied = false;
            freshSteps++;
        }
    }

    /** Whether the last self-fence left this host empty, and no step has run with a fresh lease since. */
    boolean emptied() {
        return emptied;
    }

    /**
     * Destroys every local guest of {@code d}; {@code meanwhile} runs once the destroys are under way. Returns whether
     * this host is empty now.
     */
    boolean destroyAll(Definitions d, Runnable meanwhile) throws InterruptedException {
        long stepsAtFence;
        synchronized (lock) {
            stepsAtFence = freshSteps;
        }
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (VmResource vm : d.vms()) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            Thread.ofVirtual().name("self-fence " + vm.node()).start(() -> f.complete(local.destroy(vm, "self-fence")));
            done.add(f);
        }
        meanwhile.run();
        boolean all = true;
        for (var f : done) {
            try {
                all &= f.get(LocalGuests.DESTROY_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                all = false;
            }
        }
        synchronized (lock) {
            emptied = all && freshSteps == stepsAtFence;
        }
        if (emptied) {
            LOG.warn("every local guest is destroyed: this host runs nothing until it reaches a quorum again");
        } else if (!all) {
            LOG.error("not every local guest could be destroyed: the watchdog is no longer fed and resets this host");
        }
        return emptied;
    }
}
