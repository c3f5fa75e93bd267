package io.guestnode.agents.coordination;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * A host gives a guest it holds to another host, in one transaction: the guest's record, still at the version the
 * host read, names the new owner, and the host's own claim is deleted. The new owner then claims it as any placed
 * guest; until then nobody holds its claim, so nobody may start it.
 */
final class ClaimHandover {
    private ClaimHandover() {
    }

    /** False, and nothing written, when the record changed meanwhile or this session does not hold the claim. */
    static boolean run(CuratorFramework client, String record, String claim, long session, int expectedVersion,
                       GuestRecord next) throws Exception {
        Stat st = client.checkExists().forPath(claim);
        if (st == null || st.getEphemeralOwner() != session) {
            return false;
        }
        CuratorOp write = client.transactionOp().setData().withVersion(expectedVersion).forPath(record,
                next.encode());
        CuratorOp give = client.transactionOp().delete().withVersion(st.getVersion()).forPath(claim);
        try {
            client.transaction().forOperations(write, give);
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            return false;
        }
    }
}
