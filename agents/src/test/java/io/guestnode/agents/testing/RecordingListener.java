package io.guestnode.agents.testing;

import io.guestnode.agents.remote.ConnectionLost;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.message.ExecResult;
import io.guestnode.agents.remote.message.Notification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Keeps everything a session reports, with the time the loss was seen. */
public final class RecordingListener implements SessionListener {
    public final List<ExecResult> results = new CopyOnWriteArrayList<>();
    public final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final AtomicReference<ConnectionLost> lost = new AtomicReference<>();
    private final AtomicLong lostAtNanos = new AtomicLong();
    private final CountDownLatch lostLatch = new CountDownLatch(1);

    @Override
    public void onExecResult(ExecResult result, boolean ours) {
        results.add(result);
    }

    @Override
    public void onNotification(Notification notification) {
        notifications.add(notification);
    }

    @Override
    public void onConnectionLost(ConnectionLost l) {
        lostAtNanos.set(System.nanoTime());
        lost.set(l);
        lostLatch.countDown();
    }

    public ConnectionLost awaitLost(long timeoutMs) throws InterruptedException {
        lostLatch.await(timeoutMs, TimeUnit.MILLISECONDS);
        return lost.get();
    }

    public ConnectionLost lost() {
        return lost.get();
    }

    public long lostAtNanos() {
        return lostAtNanos.get();
    }

    public List<ExecResult> resultsFor(String resourceId) {
        return results.stream().filter(r -> r.resourceId().equals(resourceId)).toList();
    }
}
