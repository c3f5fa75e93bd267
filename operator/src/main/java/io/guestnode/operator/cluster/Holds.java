package io.guestnode.operator.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for the tests of live migration: with the system property {@code guestnode.test.hold-dir} set, a
 * migration waits at a named step while a file of that name exists in that directory (at most {@link #MAX_MS}), so
 * that a test can cut power to a host in exactly that window. Without the property nothing ever waits.
 */
final class Holds {
    private static final Logger LOG = LoggerFactory.getLogger(Holds.class);
    static final String PROPERTY = "guestnode.test.hold-dir";
    static final long MAX_MS = 120_000;

    /** The steps a migration can be held at. */
    enum Step {
        /** The source, once libvirt returned and before it hands the guest over. */
        BEFORE_HANDOVER("before-handover"),
        /**
         * The target, once its source handed the guest over (it runs here, paused, and the record names this host)
         * and before it claims it.
         */
        BEFORE_CLAIM("before-claim"),
        /** The target, once it claimed the guest and before it resumes it. */
        BEFORE_RESUME("before-resume");

        final String file;

        Step(String file) {
            this.file = file;
        }
    }

    private final Optional<Path> dir;

    Holds(Optional<Path> dir) {
        this.dir = dir;
    }

    static Holds fromSystem() {
        return new Holds(Optional.ofNullable(System.getProperty(PROPERTY)).map(Path::of));
    }

    /** Waits while the step's file exists. */
    void at(Step step, String guest) {
        if (dir.isEmpty() || !Files.exists(dir.get().resolve(step.file))) {
            return;
        }
        LOG.warn("{}: held {} (test hook {})", guest, step.file, dir.get().resolve(step.file));
        long end = System.currentTimeMillis() + MAX_MS;
        while (Files.exists(dir.get().resolve(step.file)) && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
