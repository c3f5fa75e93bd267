package io.guestnode.operator.cluster;

import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.planner.HostShare;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this host's engine was last given of the cluster's definitions ({@link HostShare} of the guests it runs), and
 * giving it anew only when that changes; letting go of a guest that migrates away keeps the two in step.
 */
final class EngineFeed {
    private static final Logger LOG = LoggerFactory.getLogger(EngineFeed.class);

    /** What the engine was last given; null when the last giving failed (given again at the next step). */
    private Set<String> given;
    private Definitions givenDefs;

    /** The engine runs {@code runs} of {@code d} from now on. */
    synchronized void give(EnginePort e, Definitions d, Set<String> runs) {
        if (e == null || runs.equals(given) && d == givenDefs) {
            return;
        }
        if (!runs.equals(given)) {
            LOG.info("this host holds {}", new TreeSet<>(runs));
        }
        given = Set.copyOf(runs);
        givenDefs = d;
        try {
            e.share(HostShare.of(d, runs));
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            LOG.error("this host's definitions not taken: {}", ex.getMessage());
            given = null;
        }
    }

    /**
     * The engine lets go of {@code guest}, without stopping anything in it, and runs {@code runs} (without it) of
     * {@code d} from then on. Empty when it did, else why not.
     */
    synchronized Optional<String> letGo(EnginePort e, Definitions d, Set<String> runs, String guest) {
        Optional<String> no = e.release(guest, HostShare.of(d, runs));
        if (no.isEmpty()) {
            given = Set.copyOf(runs);
            givenDefs = d;
        }
        return no;
    }
}
