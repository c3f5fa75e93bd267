package io.guestnode.operator.engine;

import io.guestnode.agents.domain.DomainEvent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.VmResource;
import io.guestnode.operator.planner.Event;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop's inbox and what arrives in it from other threads: work in order, with sources that may flood (a
 * guest's monitor results, a domain's lifecycle) bounded per source ({@link InboxGate}); and the guests' sessions' and
 * libvirt's events turned into that work.
 */
final class EngineEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EngineEvents.class);

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final InboxGate gate = new InboxGate();
    private volatile boolean open = true;
    /** What the loop does with an event (call on the loop only). */
    private final Consumer<Event> apply;
    /** The loop's journal (call on the loop only). */
    private final Consumer<String> journal;
    private final Supplier<Definitions> definitions;
    private VmObservers observers;

    EngineEvents(Consumer<Event> apply, Consumer<String> journal, Supplier<Definitions> definitions) {
        this.apply = apply;
        this.journal = journal;
        this.definitions = definitions;
    }

    /** The VM observers, made after the inbox they report to. */
    void observers(VmObservers o) {
        this.observers = o;
    }

    LinkedBlockingQueue<Runnable> inbox() {
        return inbox;
    }

    /** Work for the loop; any thread. Nothing is taken once the loop is closed. */
    void task(Runnable r) {
        if (open) {
            inbox.add(r);
        }
    }

    void submit(Event e) {
        task(() -> apply.accept(e));
    }

    /** Work from a source that may flood: bounded per source. */
    void gated(String source, Runnable r) {
        if (!gate.admit(source)) {
            LOG.debug("[{}] event dropped: {} already waiting from this source", source, InboxGate.PER_SOURCE);
            return;
        }
        task(() -> {
            gate.taken(source);
            r.run();
        });
    }

    void vmSeen(VmResource vm, Event.VmSeen e) {
        gated("vm " + vm.id(), () -> apply.accept(e));
    }

    long dropped() {
        return gate.dropped();
    }

    void close() {
        open = false;
    }

    /**
     * A lost connection is first checked against libvirt, on the guest's lane: a VM that is gone already (destroyed
     * or shut down behind our back, which is also what killed the connection) is recorded as stopped by itself
     * before the loss is, so that it is not fenced a second time.
     */
    void onSession(Event e) {
        switch (e) {
            case Event.ConnectionLost l -> {
                LOG.warn("[{}] connection lost: {}", l.node(), l.reason());
                task(() -> journal.accept(l.node() + ": connection lost: " + l.reason()));
                Optional<VmResource> vm = definitions.get().vmOfNode(l.node());
                if (vm.isEmpty() || !observers.checkThen(vm.get(), () -> submit(e))) {
                    submit(e);
                }
            }
            case Event.MonitorResult r -> gated("monitors " + r.node(), () -> apply.accept(e));
            case Event.ClientTakeover t -> task(() -> {
                journal.accept(t.node() + ": " + Event.ClientTakeover.REASON + " (another client signed on)");
                apply.accept(e);
            });
            default -> submit(e);
        }
    }

    void onDomain(DomainEvent e) {
        switch (e.kind()) {
            case CONNECTION_RESTORED -> task(observers::sweep);
            case STOPPED, CRASHED, STARTED -> gated("domain " + e.domain(), () -> observers.onLifecycle(e,
                    apply::accept));
            default -> {
            }
        }
    }
}
