package io.guestnode.agents.testing;

import java.security.SecureRandom;

/**
 * A private network namespace joined to the host by a veth pair: the host side gets {@code hostAddress},
 * the namespace side {@code innerAddress}, in 10.251.0.0/16 (a /30 per namespace). Each test daemon gets
 * one, so its abstract IPC sockets and its TCP port collide with nothing else on the machine.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String hostIf;
    private final String hostAddress;
    private final String innerAddress;

    private NetworkNamespace(String name, String hostIf, String hostAddress, String innerAddress) {
        this.name = name;
        this.hostIf = hostIf;
        this.hostAddress = hostAddress;
        this.innerAddress = innerAddress;
    }

    public static NetworkNamespace create() {
        if (!Shell.isRoot()) {
            throw new IllegalStateException("integration tests need root (network namespaces, libvirtd); run bin/test as root");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int k = 1 + RANDOM.nextInt(16000);
            String ns = "gnt-" + k;
            String host = "gnt" + k + "h";
            String inner = "gnt" + k + "g";
            int base = k * 4;
            String net = "10.251." + (base >> 8) + ".";
            String hostAddr = net + ((base & 0xff) + 1);
            String innerAddr = net + ((base & 0xff) + 2);
            if (Shell.run(java.util.List.of("ip", "netns", "add", ns)).exitCode() != 0) {
                continue;
            }
            try {
                Shell.check("ip", "link", "add", host, "type", "veth", "peer", "name", inner, "netns", ns);
                Shell.check("ip", "addr", "add", hostAddr + "/30", "dev", host);
                Shell.check("ip", "link", "set", host, "up");
                Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
                Shell.check("ip", "netns", "exec", ns, "ip", "addr", "add", innerAddr + "/30", "dev", inner);
                Shell.check("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up");
                return new NetworkNamespace(ns, host, hostAddr, innerAddr);
            } catch (IllegalStateException e) {
                last = e;
                Shell.run(java.util.List.of("ip", "link", "del", host));
                Shell.run(java.util.List.of("ip", "netns", "del", ns));
            }
        }
        throw new IllegalStateException("could not create a test network namespace", last);
    }

    public String name() {
        return name;
    }

    public String hostAddress() {
        return hostAddress;
    }

    public String innerAddress() {
        return innerAddress;
    }

    @Override
    public void close() {
        String pids = Shell.run(java.util.List.of("ip", "netns", "pids", name)).output().trim();
        if (!pids.isEmpty()) {
            for (String pid : pids.split("\\s+")) {
                Shell.run(java.util.List.of("kill", "-9", pid));
            }
        }
        Shell.run(java.util.List.of("ip", "link", "del", hostIf));
        Shell.run(java.util.List.of("ip", "netns", "del", name));
    }
}
