package io.guestnode.operator.cluster;

import java.util.Map;
import java.util.TreeMap;

/** What a host says of itself in its membership znode: the digest of its definitions, one {@code key=value} a line. */
final class HostFacts {
    private HostFacts() {
    }

    static String of(String digest) {
        return "digest=" + digest + "\n";
    }

    /** Each host's definitions digest, from what it says of itself; a host that says none is left out. */
    static Map<String, String> digests(Map<String, String> facts) {
        Map<String, String> out = new TreeMap<>();
        facts.forEach((h, f) -> f.lines().filter(l -> l.startsWith("digest=")).findFirst()
                .ifPresent(l -> out.put(h, l.substring("digest=".length()))));
        return out;
    }
}
