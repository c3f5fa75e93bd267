package io.guestnode.operator.alerts;

import io.guestnode.agents.remote.message.OcfExit;
import io.guestnode.operator.definitions.Alert;
import io.guestnode.operator.planner.Action;
import io.guestnode.operator.planner.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which events are Pacemaker alerts, and their {@code CRM_alert_*} variables: a guest node joining (its connection
 * up: {@code member}) or leaving ({@code lost}); a fence; the result of a resource operation (starts and stops always,
 * probes and monitors when they fail). No I/O.
 */
final class AlertEvents {
    private AlertEvents() {
    }

    /** One alert to send: its kind and its variables (without the common ones). */
    record Note(Alert.Kind kind, Map<String, String> vars) {
    }

    static java.util.List<Note> of(Event e, String host) {
        if (e instanceof Event.ConnectionLost l) {
            return java.util.List.of(node(l.node(), "lost"));
        }
        if (!(e instanceof Event.ActionFinished f)) {
            if (e instanceof Event.MonitorResult m && m.rc() != 0) {
                return java.util.List.of(resource(m.service(), m.node(), "monitor", m.intervalMs(), m.rc(), 0,
                        true, m.status()));
            }
            return java.util.List.of();
        }
        boolean done = f.ok();
        return switch (f.action()) {
            case Action.Fence a -> java.util.List.of(new Note(Alert.Kind.FENCING, vars("CRM_alert_node", a.node(),
                    "CRM_alert_task", "off", "CRM_alert_rc", done ? "0" : "1", "CRM_alert_desc", "Operation off of "
                    + a.node() + " by " + host + " for guestnode@" + host + ": " + (done ? "OK" : "Error ("
                    + f.reason() + ")"))), node(a.node(), "lost"));
            case Action.Connect a -> done ? java.util.List.of(node(a.node(), "member")) : java.util.List.of();
            case Action.Disconnect a -> java.util.List.of(node(a.node(), "lost"));
            case Action.StartVm a -> java.util.List.of(resource(a.vm(), host, "start", 0, done ? 0 : 1, 0, done,
                    f.status()));
            case Action.StopVm a -> java.util.List.of(resource(a.vm(), host, "stop", 0, done ? 0 : 1, 0, done,
                    f.status()));
            case Action.StartService a -> java.util.List.of(resource(a.service(), a.node(), "start", 0, f.rc(), 0,
                    done, f.status()));
            case Action.StopService a -> java.util.List.of(resource(a.service(), a.node(), "stop", 0, f.rc(), 0,
                    done, f.status()));
            case Action.Probe a -> done && (f.rc() == 0 || f.rc() == 7) ? java.util.List.of()
                    : java.util.List.of(resource(a.service(), a.node(), "monitor", 0, f.rc(), 7, done, f.status()));
            case Action.StartMonitor a -> done && f.rc() == 0 ? java.util.List.of()
                    : java.util.List.of(resource(a.service(), a.node(), "monitor", a.interval().toMillis(), f.rc(), 0,
                    done, f.status()));
        };
    }

    private static Note node(String node, String desc) {
        return new Note(Alert.Kind.NODE, vars("CRM_alert_node", node, "CRM_alert_nodeid", node, "CRM_alert_desc",
                desc));
    }

    /** A resource operation's result; {@code desc} is the OCF result's text when it ran, else its status. */
    private static Note resource(String rsc, String node, String task, long intervalMs, int rc, int targetRc,
                                 boolean ran, String status) {
        return new Note(Alert.Kind.RESOURCE, vars("CRM_alert_rsc", rsc, "CRM_alert_node", node, "CRM_alert_task",
                task, "CRM_alert_interval", Long.toString(intervalMs), "CRM_alert_rc", Integer.toString(rc),
                "CRM_alert_target_rc", Integer.toString(targetRc), "CRM_alert_status", ran ? "0" : "1",
                "CRM_alert_desc", ran ? OcfExit.describe(rc) : Optional.ofNullable(status).filter(s -> !s.isBlank())
                        .orElse("Error")));
    }

    private static Map<String, String> vars(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1] == null ? "" : kv[i + 1]);
        }
        return m;
    }
}
