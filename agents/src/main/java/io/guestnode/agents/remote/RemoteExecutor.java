package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.RecurringOp;
import io.guestnode.agents.remote.message.ResourceSpec;
import io.guestnode.agents.remote.message.ShutdownAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A signed-on session with one pacemaker-remoted. Every method is asynchronous and every future has a
 * deadline; when the session ends, outstanding futures fail with {@link ConnectionLostException}.
 * Requests may be pipelined: replies are matched by message id, results by call id.
 */
public interface RemoteExecutor extends AutoCloseable {

    Endpoint endpoint();

    Registration registration();

    boolean isOpen();

    /** What the session holds of the peer's unsolicited results and pokes, and how many it dropped. */
    BufferStats bufferStats();

    /** Sends {@code lrmd_rsc_poke}; completes with the round trip when its notification arrives. */
    CompletableFuture<Duration> poke(Duration timeout);

    /** Registers a resource with {@code drop_recurring}, as the controller does. */
    CompletableFuture<Void> registerResource(ResourceSpec spec);

    /** The agent the remote has registered for {@code resourceId}, if any. */
    CompletableFuture<Optional<ResourceSpec>> resourceInfo(String resourceId);

    CompletableFuture<Void> unregisterResource(String resourceId);

    /** Submits an operation; completes once the remote returned its call id. */
    CompletableFuture<Operation> exec(ExecRequest request);

    /**
     * Submits an operation and waits for its first result, bounded by its start delay plus timeout plus the
     * session's request timeout.
     */
    CompletableFuture<ExecResult> execAndWait(ExecRequest request);

    /** Cancels a recurring operation; fails with rc -95 when no such operation exists. */
    CompletableFuture<Void> cancel(String resourceId, String action, long intervalMs);

    /** The recurring operations the remote runs, for one resource or ({@code null}) all. */
    CompletableFuture<List<RecurringOp>> recurringOps(String resourceId);

    /**
     * Answers the guest's {@code shutdown_req} (a {@link io.guestnode.agents.remote.message.Notification.IpcProxy}
     * whose {@code shutdownRequest()} holds; only a session signed on as IPC provider receives one), as the
     * controller does. pacemaker-remoted 2.1.6 and later, 3.0 included, waits for this answer: after
     * {@link ShutdownAnswer#ACK} it exits once we disconnect, after {@link ShutdownAnswer#NACK} at once.
     * 2.1.5 exits about 3 ms after asking and never reads the answer. Completes once the answer is written;
     * pacemaker-remoted's reply, if any, is not waited for (the controller does not wait either).
     */
    CompletableFuture<Void> answerShutdown(ShutdownAnswer answer);

    /** Sends close_notify and closes; the listener sees {@link ConnectionLost.Kind#LOCAL_CLOSE}. */
    @Override
    void close();
}
