package io.guestnode.operator.cluster;

import io.guestnode.agents.coordination.CoordinationException;
import io.guestnode.agents.coordination.ZkCoordination;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.definitions.DefinitionsDigest;
import io.guestnode.operator.definitions.DefinitionsLoader;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this host acts on the cluster's definitions: the digest of what it holds against the cluster's (the
 * published definitions' when they live in ZooKeeper, else the leader's), which hosts differ, and taking the
 * cluster's definitions when they change. A host that differs claims no new guest until they match.
 */
final class DefinitionsAgreement {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsAgreement.class);

    private final ZkCoordination zk;
    private final Optional<SharedDefinitions> shared;
    private volatile String digest;
    /** The libvirt URI other hosts migrate guests to this host by ("" for none). */
    private volatile String migrationUri = "";
    private boolean agreeing = true;
    /** Why the cluster's definitions were last refused here ("" once taken). */
    private String refusal = "";

    DefinitionsAgreement(ZkCoordination zk, Optional<SharedDefinitions> shared, Definitions start) {
        this.zk = zk;
        this.shared = shared;
        this.digest = DefinitionsDigest.of(start);
    }

    /** The digest of this host's definitions. */
    String digest() {
        return digest;
    }

    /** What this host says of itself when it joins. */
    String facts() {
        return HostFacts.of(digest, migrationUri);
    }

    /** Other hosts migrate guests to this host by {@code uri} (they learn it from its next heartbeat). */
    void migrationUri(String uri) {
        migrationUri = uri;
        zk.facts(facts());
    }

    /** This host's definitions are {@code d} from now on; the others learn its digest from its next heartbeat. */
    void mine(Definitions d) {
        digest = DefinitionsDigest.of(d);
        zk.facts(facts());
    }

    /** When the cluster's definitions changed, this host takes them ({@code take}) if it reads them to their digest. */
    void poll(Consumer<Definitions> take) throws CoordinationException {
        if (shared.isEmpty()) {
            return;
        }
        switch (shared.get().poll().orElse(null)) {
            case SharedDefinitions.Read.Adopted a -> {
                refusal = "";
                take.accept(a.definitions());
                LOG.info("the cluster's definitions (version {}, published by {}, digest {}) are this host's: {} "
                        + "guest nodes, {} services", a.version(), a.publishedBy(), a.digest(),
                        a.definitions().vms().size(), a.definitions().services().size());
            }
            case SharedDefinitions.Read.Refused r -> {
                if (!r.why().equals(refusal)) { // read again every few seconds: said once
                    LOG.error("{}; this host keeps its definitions (digest {})", r.why(), digest);
                }
                refusal = r.why();
                return;
            }
            case null -> {
            }
        }
    }

    /**
     * A reload on this host: its files become the cluster's definitions (every host takes them at its next step).
     * Null when done, else why not.
     */
    String publish(DefinitionsLoader.Result local, Consumer<Definitions> take) {
        if (shared.isEmpty()) {
            take.accept(local.definitions());
            return null;
        }
        try {
            return shared.get().publish(local);
        } catch (CoordinationException e) {
            return "the definitions were not published: " + e.getMessage();
        }
    }

    /** Each member host's digest, by host. */
    Map<String, String> digests() throws CoordinationException {
        return HostFacts.digests(zk.hostFacts());
    }

    /** The digest this host must hold to act: the published one, else the leader's ("" for none). */
    String reference(Map<String, String> digests, String leader) {
        String published = shared.map(SharedDefinitions::clusterDigest).orElse("");
        return !published.isEmpty() ? published : leader.isEmpty() ? "" : digests.getOrDefault(leader, "unknown");
    }

    /** Whether this host acts on the cluster's definitions now; logs when that changes. */
    boolean agrees(String reference) {
        String mine = digest;
        boolean agree = reference.isEmpty() || mine.equals(reference);
        if (agree != agreeing) {
            agreeing = agree;
            if (agree) {
                LOG.info("this host's definitions are the cluster's again (digest {})", mine);
            } else {
                LOG.error("this host's definitions (digest {}) differ from the cluster's ({}): it takes no new guest "
                        + "until they match", mine, reference);
            }
        }
        return agree;
    }

    /** The hosts whose digest is not {@code reference}. */
    static Set<String> differ(Set<String> hosts, Map<String, String> digests, String reference) {
        Set<String> out = new TreeSet<>();
        hosts.stream().filter(h -> !reference.isEmpty() && !reference.equals(digests.get(h))).forEach(out::add);
        return out;
    }
}
