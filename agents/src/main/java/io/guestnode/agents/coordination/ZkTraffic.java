package io.guestnode.agents.coordination;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.drivers.TracerDriver;

/**
 * Counts the operations a host sends to ZooKeeper, from the traces the client reports for each (foreground or in
 * the background): writes (create, set data, delete, transaction) and reads (get data, exists, children, sync).
 */
final class ZkTraffic implements TracerDriver {
    private final LongAdder writes = new LongAdder();
    private final LongAdder reads = new LongAdder();

    @Override
    public void addTrace(String name, long time, TimeUnit unit) {
        if (name.startsWith("CreateBuilderImpl-") || name.startsWith("SetDataBuilderImpl-")
                || name.startsWith("DeleteBuilderImpl-") || name.startsWith("CuratorMultiTransactionImpl-")) {
            writes.increment();
        } else if (name.startsWith("GetDataBuilderImpl-") || name.startsWith("ExistsBuilderImpl-")
                || name.startsWith("GetChildrenBuilderImpl-") || name.startsWith("SyncBuilderImpl-")) {
            reads.increment();
        }
    }

    @Override
    public void addCount(String name, int increment) {
    }

    ZkCoordination.Traffic counts() {
        return new ZkCoordination.Traffic(writes.sum(), reads.sum());
    }
}
