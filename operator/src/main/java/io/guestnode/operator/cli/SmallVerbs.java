package io.guestnode.operator.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The runbook verbs that change what the daemon does. */
final class SmallVerbs {
    private SmallVerbs() {
    }


    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Forgets a resource's failures (fail count and failed actions) and probes it again. For a "
                    + "guest node (its name, or its VM resource) this clears the connection's and the VM's failures.")
    static final class Cleanup extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Option(names = "--node", paramLabel = "NODE", description = "Only on this node.")
        String node;

        @Override
        public Integer call() {
            Map<String, Object> r = new HashMap<>(Map.of("verb", "cleanup", "resource", resource));
            if (node != null) {
                r.put("node", node);
            }
            return send(r);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Stops a resource and keeps it stopped (target-role=Stopped). Disabling a VM resource stops "
                    + "the services in its guest node, then its connection, then the VM.")
    static final class Disable extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return send(Map.of("verb", "disable", "resource", resource));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Lets a resource run again (target-role=Started).")
    static final class Enable extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return send(Map.of("verb", "enable", "resource", resource));
        }
    }

    @Command(name = "fence", mixinStandardHelpOptions = true,
            description = "Fences a guest node: its VM is stopped at once (destroyed), everything inside counts as "
                    + "stopped, and the guest is recovered.")
    static final class Fence extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "GUEST")
        String guest;

        @Override
        public Integer call() {
            return send(Map.of("verb", "fence", "guest", guest));
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true,
            description = "Maintenance of one guest node, or of the whole host: guestnode observes and reports, never "
                    + "acts and never fences.")
    static final class Maintenance extends DaemonVerb implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "on|off")
        OnOff state;

        @Parameters(index = "1", arity = "0..1", paramLabel = "GUEST")
        String guest;

        enum OnOff { on, off }

        @Override
        public Integer call() {
            return send(Map.of("verb", "maintenance", "on", state == OnOff.on, "guest", guest == null ? "" : guest));
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reloads the definitions now (as SIGHUP does). An invalid change is reported and changes nothing.")
    static final class Reload extends DaemonVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            return send(Map.of("verb", "reload"));
        }
    }
}
