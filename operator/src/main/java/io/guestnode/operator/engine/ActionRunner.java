package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainAgent;
import io.guestnode.agents.domain.DomainException;
import io.guestnode.agents.domain.DomainSpec;
import io.guestnode.agents.domain.DomainState;
import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectionLostException;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.Lrmd;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.OpDef;
import io.guestnode.operator.definitions.Service;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event.ActionFinished;
import io.guestnode.operator.planner.StateReducer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.SequencedMap;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one action through the agents and reports how it ended. Runs on the guest node's lane, so
 * actions of one guest are serial and guests never wait for each other; every call has a deadline.
 */
final class ActionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final DomainAgent domains;
    private final Connector connector;
    private final GuestSessions sessions;
    private final Supplier<AuthKey> key;
    private final String clientName;

    ActionRunner(DomainAgent domains, Connector connector, GuestSessions sessions, Supplier<AuthKey> key,
                 String clientName) {
        this.domains = domains;
        this.connector = connector;
        this.sessions = sessions;
        this.key = key;
        this.clientName = clientName;
    }

    static DomainSpec domainSpec(VmResource vm) {
        return DomainSpecs.of(vm);
    }

    static Duration opTimeout(java.util.List<OpDef> ops, String name) {
        return ops.stream().filter(o -> o.name().equals(name) && !o.recurring()).map(OpDef::timeout).findFirst()
                .orElse(DEFAULT_TIMEOUT);
    }

    ActionFinished run(Definitions d, Action action) {
        long t0 = System.nanoTime();
        ActionFinished r;
        try {
            r = switch (action) {
                case Action.StartVm a -> startVm(d, a);
                case Action.StopVm a -> stopVm(d, a);
                case Action.Fence a -> fence(d, a);
                case Action.Connect a -> connect(d, a);
                case Action.Disconnect a -> {
                    sessions.close(a.node());
                    yield ActionFinished.ok(a);
                }
                case Action.Probe a -> exec(d, a, a.service(), a.node(), "monitor", Duration.ZERO);
                case Action.StartService a -> exec(d, a, a.service(), a.node(), "start", Duration.ZERO);
                case Action.StopService a -> exec(d, a, a.service(), a.node(), "stop", Duration.ZERO);
                case Action.StartMonitor a -> exec(d, a, a.service(), a.node(), "monitor", a.interval());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = ActionFinished.failed(action, "Error", "interrupted");
        } catch (RuntimeException e) {
            LOG.error("[{}] {} failed unexpectedly", action.lane(), action, e);
            r = ActionFinished.failed(action, "Error", e.toString());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (r.ok() && r.rc() == 0 || action instanceof Action.Probe && r.ok()) {
            LOG.info("[{}] {}: done in {} ms{}", action.lane(), action, ms,
                    action instanceof Action.Probe ? " (rc=" + r.rc() + ")" : "");
        } else {
            LOG.warn("[{}] {}: {} rc={} in {} ms: {}", action.lane(), action, r.status(), r.rc(), ms, r.reason());
        }
        return r;
    }

    private ActionFinished startVm(Definitions d, Action.StartVm a) {
        VmResource vm = d.vm(a.vm()).orElseThrow();
        try {
            DomainState s = domains.start(domainSpec(vm), opTimeout(vm.ops(), "start").plusSeconds(70));
            return s.isRunning() ? ActionFinished.ok(a) : ActionFinished.failed(a, "Error", s.detail());
        } catch (DomainException e) {
            return domainFailure(a, e, e.kind() == DomainException.Kind.TIMEOUT ? "Timed Out" : "Error");
        }
    }

    private ActionFinished stopVm(Definitions d, Action.StopVm a) {
        VmResource vm = d.vm(a.vm()).orElseThrow();
        sessions.close(a.node());
        try {
            domains.stop(domainSpec(vm), opTimeout(vm.ops(), "stop"));
            return ActionFinished.ok(a);
        } catch (DomainException e) {
            return domainFailure(a, e, "Error");
        }
    }

    /**
     * A start or stop libvirt could not take (unreachable, or overloaded), or a start this host may not make now (no
     * claim or lease), is reported as such: it is retried with back-off and is no failure of the guest. Anything else
     * is the guest's failure.
     */
    private static ActionFinished domainFailure(Action a, DomainException e, String status) {
        boolean overload = switch (e.kind()) {
            case OVERLOAD, UNAVAILABLE, REFUSED -> true;
            case TIMEOUT, LIBVIRT_ERROR, INVALID_CONFIG -> false;
        };
        return ActionFinished.failed(a, overload ? StateReducer.OVERLOAD : status, e.getMessage());
    }

    /** Fencing: the guest's VM is destroyed at once and verified stopped; the session goes with it. */
    private ActionFinished fence(Definitions d, Action.Fence a) {
        VmResource vm = d.vm(a.vm()).orElseThrow();
        sessions.close(a.node());
        LOG.warn("[{}] fencing guest node {} by stopping {} ({})", a.node(), a.node(), a.vm(), a.reason());
        try {
            domains.destroy(domainSpec(vm), Duration.ofSeconds(30));
            return ActionFinished.ok(a);
        } catch (DomainException e) {
            return ActionFinished.failed(a, "Error", e.getMessage());
        }
    }

    private ActionFinished connect(Definitions d, Action.Connect a) throws InterruptedException {
        VmResource vm = d.vmOfNode(a.node()).orElseThrow();
        var c = vm.connection();
        AuthKey k = GuestKeys.forConnection(key, a.node());
        if (k == null) {
            String file = key instanceof GuestKeys g ? g.fileOf(a.node()).filter(java.nio.file.Files::exists).map(Object::toString)
                    .orElse("the shared key file") : "the shared key file";
            return ActionFinished.failed(a, "key unavailable", "no usable Pacemaker Remote key for " + a.node()
                    + " (" + file + "; the log says why)");
        }
        try {
            var listener = sessions.listenerFor(a.node(), c.monitorInterval().toMillis());
            RemoteExecutor remote = connector.connect(new Endpoint(c.addr(), c.port()), k, clientName,
                    c.connectTimeout(), listener);
            sessions.opened(a.node(), remote, listener, c.monitorInterval(), c.monitorTimeout());
            return ActionFinished.ok(a);
        } catch (ConnectFailure f) {
            return ActionFinished.failed(a, f.kind().label(), f.getMessage());
        }
    }

    private ActionFinished exec(Definitions d, Action a, String serviceId, String node, String op, Duration interval) {
        Service svc = d.service(serviceId).orElseThrow();
        GuestSessions.Session s = sessions.get(node);
        if (s == null || !s.remote.isOpen()) {
            return ActionFinished.failed(a, StateReducer.NOT_CONNECTED, "no connection to " + node);
        }
        Duration timeout = interval.isZero() ? opTimeout(svc.ops(), op)
                : svc.ops().stream().filter(o -> o.name().equals(op) && o.interval().equals(interval))
                .map(OpDef::timeout).findFirst().orElse(DEFAULT_TIMEOUT);
        SequencedMap<String, String> params = new LinkedHashMap<>(svc.params());
        svc.ops().stream().filter(o -> o.name().equals(op) && o.interval().equals(interval)).findFirst()
                .ifPresent(o -> params.putAll(o.params()));
        try {
            sessions.ensureRegistered(s, new ResourceSpec(svc.id(), svc.agent().standard(), svc.agent().provider(),
                    svc.agent().type()));
            ExecRequest req = new ExecRequest(svc.id(), op, interval.toMillis(), timeout.toMillis(), 0, params,
                    null, Lrmd.OPT_NOTIFY_CHANGES_ONLY);
            ExecResult r = s.remote.execAndWait(req).join();
            return new ActionFinished(a, true, r.rc(), GuestSessions.statusWord(r.status()), r.exitReason());
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof ConnectionLostException) {
                return ActionFinished.failed(a, StateReducer.NOT_CONNECTED, c.getMessage());
            }
            return ActionFinished.failed(a, "Error", c == null ? e.toString() : c.getMessage());
        }
    }
}
