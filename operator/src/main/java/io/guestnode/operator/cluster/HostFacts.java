package io.guestnode.operator.cluster;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a host says of itself in its membership znode, one {@code key=value} a line: the digest of its definitions and
 * the libvirt URI other hosts migrate guests to it by.
 */
final class HostFacts {
    private HostFacts() {
    }

    /** A libvirt URI as a host may announce it: a scheme, then printable characters without spaces. */
    static final java.util.regex.Pattern LIBVIRT_URI = java.util.regex.Pattern.compile(
            "[a-z][a-z0-9+]{0,31}://[\\x21-\\x7e]{0,200}");

    static String of(String digest) {
        return "digest=" + digest + "\n";
    }

    static String of(String digest, String migrationUri) {
        return of(digest) + (migrationUri.isEmpty() ? "" : "migration-uri=" + migrationUri + "\n");
    }

    /** The libvirt URI a host says guests migrate to it by; empty when it says none or none that is one. */
    static java.util.Optional<String> migrationUri(String facts) {
        return facts.lines().filter(l -> l.startsWith("migration-uri=")).findFirst()
                .map(l -> l.substring("migration-uri=".length())).filter(u -> LIBVIRT_URI.matcher(u).matches());
    }

    /** Each host's definitions digest, from what it says of itself; a host that says none is left out. */
    static Map<String, String> digests(Map<String, String> facts) {
        Map<String, String> out = new TreeMap<>();
        facts.forEach((h, f) -> f.lines().filter(l -> l.startsWith("digest=")).findFirst()
                .ifPresent(l -> out.put(h, l.substring("digest=".length()))));
        return out;
    }
}
