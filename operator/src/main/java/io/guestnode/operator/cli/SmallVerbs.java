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
    static final class Cleanup extends WaitingVerb implements Callable<Integer> {
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
            return sendAndWait(r, "cleanup " + resource, s -> settled(s) && noFailure(s, resource)
                    && noFailure(s, vmOf(s, resource)));
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Stops a resource and keeps it stopped (target-role=Stopped). Disabling a VM resource stops "
                    + "the services in its guest node, then its connection, then the VM.")
    static final class Disable extends WaitingVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "disable", "resource", resource), "disable " + resource,
                    s -> role(s, vmOf(s, resource)).equals("Stopped"));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Lets a resource run again (target-role=Started).")
    static final class Enable extends WaitingVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "enable", "resource", resource), "enable " + resource,
                    s -> started(s, resource));
        }
    }

    @Command(name = "fence", mixinStandardHelpOptions = true,
            description = "Fences a guest node: its VM is stopped at once (destroyed), everything inside counts as "
                    + "stopped, and the guest is recovered.")
    static final class Fence extends WaitingVerb implements Callable<Integer> {
        @Parameters(paramLabel = "GUEST")
        String guest;

        @Override
        public Integer call() {
            // done when the VM is down: the fence's own stop of the VM finished
            journalLines = 200;
            return sendAndWait(Map.of("verb", "fence", "guest", guest), "fence " + guest,
                    s -> journaled(s, "fence " + guest + " by stopping " + vmOf(s, guest) + ": done"));
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true,
            description = "Maintenance of one guest node, or of the whole host: guestnode observes and reports, never "
                    + "acts and never fences.")
    static final class Maintenance extends WaitingVerb implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "on|off")
        OnOff state;

        @Parameters(index = "1", arity = "0..1", paramLabel = "GUEST")
        String guest;

        enum OnOff { on, off }

        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "maintenance", "on", state == OnOff.on, "guest", guest == null ? ""
                    : guest), "maintenance " + state, WaitingVerb::settled);
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reloads the definitions now (as SIGHUP does). An invalid change is reported and changes nothing.")
    static final class Reload extends WaitingVerb implements Callable<Integer> {
        @Override
        public Integer call() {
            return sendAndWait(Map.of("verb", "reload"), "reload", WaitingVerb::settled);
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Restarts a resource, as crm_resource --restart: disables it, waits until it is stopped, "
                    + "then enables it again (for a VM resource: the services in its guest node, its connection and "
                    + "the VM stop, then start again). With --wait it returns once the resource runs again. Refused "
                    + "for a resource that is disabled.")
    static final class Restart extends WaitingVerb implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE")
        String resource;

        @Override
        public Integer call() {
            return RestartSteps.run(this, resource);
        }
    }

    /** Whether the resource (a service, a VM resource, or a guest node by name) runs: for a guest, online too. */
    static boolean started(com.fasterxml.jackson.databind.JsonNode s, String resource) {
        String vm = WaitingVerb.vmOf(s, resource);
        if (!WaitingVerb.role(s, vm).equals("Started")) {
            return false;
        }
        for (com.fasterxml.jackson.databind.JsonNode g : s.path("guests")) {
            if (g.path("vm").asText().equals(vm)) {
                return g.path("online").asBoolean();
            }
        }
        return true;
    }
}
