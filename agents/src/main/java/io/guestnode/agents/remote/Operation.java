package io.guestnode.agents.remote;

import io.guestnode.agents.remote.message.ExecRequest;
import io.guestnode.agents.remote.message.ExecResult;
import java.util.concurrent.CompletableFuture;

/**
 * An operation the remote accepted.
 *
 * @param request     what was asked
 * @param callId      the remote's call id; a recurring operation keeps it for life
 * @param firstResult completes with the first result (the only one for one-shot operations); later results
 *                    of recurring operations reach {@link SessionListener#onExecResult}
 */
public record Operation(ExecRequest request, int callId, CompletableFuture<ExecResult> firstResult) {
}
