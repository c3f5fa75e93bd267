package io.guestnode.agents.domain;

/** Receives lifecycle events in order, on the agent's event thread; must not block. */
@FunctionalInterface
public interface DomainEventListener {
    void onEvent(DomainEvent event);
}
