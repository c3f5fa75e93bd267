package io.guestnode.operator.planner;

import io.guestnode.operator.definitions.Durations;
import java.time.Duration;

/**
 * What the planner asks for. Each action belongs to one guest node's lane ({@link #lane()}), carries a key
 * (at most one action per key is in flight) and says why. {@link #toString()} is the form used in scenario
 * files and logs.
 */
public sealed interface Action permits Action.OnService, Action.OnVm, Action.OnConnection {
    /** In-flight key prefix of starts and stops of domains: what the node action limit counts. */
    String SLOT_PREFIX = "slot:";

    /** The guest node whose executor lane runs it. */
    String lane();

    /** What it acts on; one action per key at a time. */
    String key();

    String reason();

    /** An action on a service in a guest node: it runs on that guest's lane, one per service and node. */
    sealed interface OnService extends Action {
        String service();

        String node();

        @Override
        default String lane() {
            return node();
        }

        @Override
        default String key() {
            return "svc:" + service() + "@" + node();
        }

        /** Whether an action {@link #key()} is that of an action on a service in guest node {@code node}. */
        static boolean keyIn(String key, String node) {
            return key.startsWith("svc:") && key.endsWith("@" + node);
        }
    }

    /** An action on a guest node's VM resource. */
    sealed interface OnVm extends Action {
        String vm();

        String node();

        @Override
        default String lane() {
            return node();
        }

        @Override
        default String key() {
            return "vm:" + vm();
        }
    }

    /** An action on a guest node's implicit connection resource. */
    sealed interface OnConnection extends Action {
        String node();

        @Override
        default String lane() {
            return node();
        }

        @Override
        default String key() {
            return "conn:" + node();
        }
    }

    record StartVm(String vm, String node, String host, String reason) implements OnVm {
        @Override
        public String toString() {
            return "start " + vm + " on " + host;
        }
    }

    record StopVm(String vm, String node, String host, String reason) implements OnVm {
        @Override
        public String toString() {
            return "stop " + vm + " on " + host;
        }
    }

    /** Fencing a guest node is stopping (destroying) its VM; everything inside is then known stopped. */
    record Fence(String node, String vm, String reason) implements OnVm {
        @Override
        public String toString() {
            return "fence " + node + " by stopping " + vm;
        }
    }

    /** Start of the implicit connection resource: connect and register within remote-connect-timeout. */
    record Connect(String node, String reason) implements OnConnection {
        @Override
        public String toString() {
            return "connect " + node;
        }
    }

    record Disconnect(String node, String reason) implements OnConnection {
        @Override
        public String toString() {
            return "disconnect " + node;
        }
    }

    /** A probe: monitor with interval 0, which adopts what already runs. */
    record Probe(String service, String node, String reason) implements OnService {
        @Override
        public String toString() {
            return "probe " + service + " on " + node;
        }
    }

    record StartService(String service, String node, String reason) implements OnService {
        @Override
        public String toString() {
            return "start " + service + " on " + node;
        }
    }

    /** A stop; with {@code restart}, the service is to start again in the same guest node (restart, recovery). */
    record StopService(String service, String node, String reason, boolean restart) implements OnService {
        public StopService(String service, String node, String reason) {
            this(service, node, reason, false);
        }

        @Override
        public String toString() {
            return "stop " + service + " on " + node;
        }
    }

    record StartMonitor(String service, String node, Duration interval, String reason) implements OnService {
        @Override
        public String toString() {
            return "monitor " + service + " on " + node + " every " + Durations.format(interval);
        }
    }
}
