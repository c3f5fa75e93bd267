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

    private static final String EXIT_HEADING = "%nExit codes:%n";

    @Command(name = "cleanup", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:cleaned up", "1:unknown resource", "2:bad command line", "69:the daemon is not running"},
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

    @Command(name = "disable", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:done", "1:unknown resource", "2:bad command line", "69:the daemon is not running"},
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

    @Command(name = "enable", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:done", "1:unknown resource", "2:bad command line", "69:the daemon is not running"},
            description = "Lets a resource run again (target-role=Started).")
    static final class Enable extends DaemonVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return send(Map.of("verb", "enable", "resource", resource));
        }
    }

    @Command(name = "fence", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:fence requested", "1:unknown guest node", "2:bad command line",
                "69:the daemon is not running"},
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

    @Command(name = "maintenance", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:done", "1:unknown guest node", "2:bad command line", "69:the daemon is not running"},
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

    @Command(name = "reload", mixinStandardHelpOptions = true, exitCodeListHeading = EXIT_HEADING,
            exitCodeList = {"0:reloaded", "1:invalid definitions (the running configuration stays)",
                "2:bad command line", "69:the daemon is not running"},
            description = "Reloads the definitions now (as SIGHUP does). An invalid change is reported and changes nothing.")
    static final class Reload extends DaemonVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            return send(Map.of("verb", "reload"));
        }
    }
}
