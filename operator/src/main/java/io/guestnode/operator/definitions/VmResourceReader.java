package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the primitives that carry {@code remote-node}: VM resources, each of which makes a guest node. */
final class VmResourceReader {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private final Findings findings;
    private final XmlTree xml;
    private final String hostNode;
    private final Set<String> clusterNodes;
    private final DefinitionsLoader.Purpose purpose;

    VmResourceReader(Findings findings, XmlTree xml, String hostNode, Set<String> clusterNodes,
                     DefinitionsLoader.Purpose purpose) {
        this.findings = findings;
        this.xml = xml;
        this.hostNode = hostNode;
        this.clusterNodes = clusterNodes;
        this.purpose = purpose;
    }

    private void error(SourceLocation at, String msg) {
        findings.error(at, msg);
    }

    private Optional<Duration> duration(SourceLocation at, String what, String text, boolean zeroAllowed) {
        return findings.duration(at, what, text, zeroAllowed);
    }

    private Optional<Boolean> bool(SourceLocation at, String what, String text) {
        return findings.bool(at, what, text);
    }

    Optional<VmResource> vm(Element p, String id, Agent agent, Map<String, String> params,
                            Map<String, String> meta, ResourceMeta rm, List<OpDef> ops) {
        String node = meta.get("remote-node").trim();
        boolean ok = true;
        if (node.isEmpty()) {
            error(p.at(), p.describe() + ": remote-node is empty");
            return Optional.empty();
        }
        if (node.equals(id)) {
            error(p.at(), p.describe() + ": remote-node '" + node + "' equals the VM resource's own id; "
                    + "the implicit connection resource carries that id (use e.g. id=\"vm-" + node + "\")");
            ok = false;
        }
        String addr = meta.getOrDefault("remote-addr", node).trim();
        if (!validAddress(addr)) {
            error(p.at(), p.describe() + ": remote-addr '" + addr + "' is neither a host name nor an IP address");
            ok = false;
        }
        int port = GuestConnection.DEFAULT_PORT;
        if (meta.containsKey("remote-port")) {
            try {
                port = Integer.parseInt(meta.get("remote-port").trim());
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                error(p.at(), p.describe() + ": remote-port '" + meta.get("remote-port")
                        + "' is not a port number (1-65535)");
                ok = false;
            }
        }
        Duration connect = GuestConnection.DEFAULT_CONNECT_TIMEOUT;
        if (meta.containsKey("remote-connect-timeout")) {
            Optional<Duration> d = duration(p.at(), p.describe() + ": remote-connect-timeout",
                    meta.get("remote-connect-timeout"), false);
            ok &= d.isPresent();
            connect = d.orElse(connect);
        }
        boolean allowMigrate = true;
        if (meta.containsKey("remote-allow-migrate")) {
            Optional<Boolean> b = bool(p.at(), p.describe() + ": remote-allow-migrate",
                    meta.get("remote-allow-migrate"));
            ok &= b.isPresent();
            allowMigrate = b.orElse(true);
        }
        Duration monInterval = GuestConnection.DEFAULT_MONITOR_INTERVAL;
        Duration monTimeout = GuestConnection.DEFAULT_MONITOR_TIMEOUT;
        if (meta.containsKey("connection-monitor-interval")) {
            Optional<Duration> d = duration(p.at(), p.describe() + ": connection-monitor-interval",
                    meta.get("connection-monitor-interval"), false);
            ok &= d.isPresent();
            monInterval = d.orElse(monInterval);
        }
        if (meta.containsKey("connection-monitor-timeout")) {
            Optional<Duration> d = duration(p.at(), p.describe() + ": connection-monitor-timeout",
                    meta.get("connection-monitor-timeout"), false);
            ok &= d.isPresent();
            monTimeout = d.orElse(monTimeout);
        }

        Optional<DomainRef> domain = domain(p, id, agent, params);
        if (domain.isEmpty() || !ok) {
            return Optional.empty();
        }
        return Optional.of(new VmResource(id, agent, domain.get(),
                new GuestConnection(node, addr, port, connect, allowMigrate, monInterval, monTimeout),
                rm, ops, params, p.at()));
    }

    /**
     * The libvirt domain of a VM resource. To drive it, it must be {@code VirtualDomain} with a readable
     * {@code config}; to model it (check, simulate), whatever stands in the way is a warning and the domain is
     * modelled by the resource's id.
     */
    private Optional<DomainRef> domain(Element p, String id, Agent agent, Map<String, String> params) {
        boolean virtualDomain = "ocf".equals(agent.standard()) && "VirtualDomain".equals(agent.type());
        if (purpose == DefinitionsLoader.Purpose.DRIVE) {
            if (!virtualDomain) {
                error(p.at(), p.describe() + ": agent " + agent + " is not ocf:heartbeat:VirtualDomain; guestnode "
                        + "starts and stops guest nodes through libvirt only and could not prove this one stopped "
                        + "(check and simulate accept it)");
                return Optional.empty();
            }
            return virtualDomain(p, params, findings);
        }
        Findings scratch = new Findings();
        Optional<DomainRef> real = virtualDomain ? virtualDomain(p, params, scratch) : Optional.empty();
        scratch.problems.stream().filter(Problem::isError).forEach(e -> findings.warn(e.at(), e.message()
                + " (run refuses it)"));
        if (real.isPresent() && scratch.problems.stream().noneMatch(Problem::isError)) {
            return real;
        }
        if (!virtualDomain) {
            findings.warn(p.at(), p.describe() + ": agent " + agent + " is modelled as a guest's VM; run refuses it "
                    + "(guest nodes are started through libvirt with ocf:heartbeat:VirtualDomain)");
        }
        return Optional.of(DomainRef.modelled(id));
    }

    /** VirtualDomain's parameters; problems go to {@code into}. */
    private Optional<DomainRef> virtualDomain(Element p, Map<String, String> params, Findings into) {
        boolean ok = true;
        String hypervisor = params.getOrDefault("hypervisor", "qemu:///system").trim();
        boolean forceStop = false;
        if (params.containsKey("force_stop")) {
            Optional<Boolean> b = into.bool(p.at(), p.describe() + ": force_stop", params.get("force_stop"));
            ok &= b.isPresent();
            forceStop = b.orElse(false);
        }
        String shutdownMode = params.getOrDefault("shutdown_mode", "").trim();
        if (!shutdownMode.isEmpty()) {
            for (String m : shutdownMode.split("[,\\s]+")) {
                if (!Set.of("acpi", "agent", "initctl", "signal", "paravirt").contains(m)) {
                    into.error(p.at(), p.describe() + ": shutdown_mode '" + m
                            + "' is not one of acpi, agent, initctl, signal, paravirt");
                    ok = false;
                }
            }
        }
        if (params.containsKey("snapshot") && forceStop) {
            into.error(p.at(), p.describe() + ": snapshot cannot be combined with force_stop");
            ok = false;
        }
        String config = params.get("config");
        if (config == null || config.isBlank()) {
            into.error(p.at(), p.describe() + ": instance attribute 'config' (the libvirt domain XML) is required");
            return Optional.empty();
        }
        Path configPath = Path.of(config.trim());
        if (!configPath.isAbsolute()) {
            into.error(p.at(), p.describe() + ": config '" + config + "' must be an absolute path");
            return Optional.empty();
        }
        Optional<String[]> domain = readDomain(p, configPath, into);
        if (domain.isEmpty() || !ok) {
            return Optional.empty();
        }
        return Optional.of(new DomainRef(hypervisor, configPath, domain.get()[0], domain.get()[1], forceStop,
                shutdownMode));
    }

    /** Reads the domain XML; returns {name, xml}. */
    private Optional<String[]> readDomain(Element p, Path config, Findings into) {
        if (!Files.isRegularFile(config)) {
            into.error(p.at(), p.describe() + ": config " + config + " does not exist");
            return Optional.empty();
        }
        Element root;
        try {
            root = xml.parse(config);
        } catch (XmlTree.ParseException e) {
            into.error(p.at(), p.describe() + ": config " + e.at() + ": " + e.getMessage());
            return Optional.empty();
        }
        if (!root.name().equals("domain")) {
            into.error(p.at(), p.describe() + ": config " + config + " is not a libvirt domain (root element <"
                    + root.name() + ">)");
            return Optional.empty();
        }
        Optional<String> name = root.child("name").map(Element::text);
        if (name.isEmpty() || name.get().isBlank()) {
            into.error(p.at(), p.describe() + ": config " + config + " has no domain <name>");
            return Optional.empty();
        }
        try {
            return Optional.of(new String[] {name.get().trim(), Files.readString(config, StandardCharsets.UTF_8)});
        } catch (IOException e) {
            into.error(p.at(), p.describe() + ": config " + config + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    void guestRules(List<VmResource> vms, List<Service> services, List<Group> groups) {
        Set<String> resourceIds = new HashSet<>();
        vms.forEach(v -> resourceIds.add(v.id()));
        services.forEach(s -> resourceIds.add(s.id()));
        groups.forEach(g -> resourceIds.add(g.id()));
        Map<String, VmResource> byNode = new HashMap<>();
        Map<Path, VmResource> byConfig = new HashMap<>();
        Map<String, VmResource> byDomain = new HashMap<>();
        for (VmResource v : vms) {
            String node = v.node();
            VmResource other = byNode.putIfAbsent(node, v);
            if (other != null) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: remote-node '" + node + "' is already the guest "
                        + "node of " + other.id() + " (" + other.at() + ")");
            }
            if (resourceIds.contains(node) && !node.equals(v.id())) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: remote-node '" + node + "' is also a resource id; "
                        + "the implicit connection resource carries that id");
            }
            if (node.equals(hostNode)) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: remote-node '" + node + "' is the host's node name");
            } else if (clusterNodes.contains(node)) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: remote-node '" + node + "' is a node of the CIB's "
                        + "<nodes>; the guest would be merged with it");
            }
            VmResource sameConfig = byConfig.putIfAbsent(v.domain().config(), v);
            if (sameConfig != null) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: config " + v.domain().config()
                        + " is already used by " + sameConfig.id());
            }
            String dkey = v.domain().hypervisor() + " " + v.domain().domainName();
            VmResource sameDomain = byDomain.putIfAbsent(dkey, v);
            if (sameDomain != null && sameConfig == null) {
                error(v.at(), "<primitive id=\"" + v.id() + "\">: domain '" + v.domain().domainName()
                        + "' is already managed by " + sameDomain.id());
            }
        }
    }

    static boolean validAddress(String addr) {
        if (addr.isEmpty()) {
            return false;
        }
        var m = IPV4.matcher(addr);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (addr.contains(":")) {
            String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
            return a.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?") && a.chars().filter(ch -> ch == ':').count() >= 2;
        }
        if (addr.matches("[0-9.]+")) {
            return false;
        }
        return HOST_NAME.matcher(addr).matches();
    }
}
