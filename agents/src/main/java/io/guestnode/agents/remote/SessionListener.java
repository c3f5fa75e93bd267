package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.Notification;

/**
 * Receives what a session observes. Called on the session's reader thread, in arrival order: implementations
 * hand the event over (e.g. to a queue) and return; they must not block or wait on the session's futures.
 */
public interface SessionListener {
    /** An operation result; {@code ours} is false for call ids this session did not issue (another client). */
    default void onExecResult(ExecResult result, boolean ours) {
    }

    /** Any other notification: new client, resource (un)registration, IPC proxy, unknown. */
    default void onNotification(Notification notification) {
    }

    /** The session ended; called exactly once. */
    default void onConnectionLost(ConnectionLost lost) {
    }

    SessionListener NONE = new SessionListener() {
    };
}
