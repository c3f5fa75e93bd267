package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Loads guest definitions written in Pacemaker's CIB language: a whole {@code <cib>} (only its configuration is
 * read), a {@code <configuration>}, or files holding {@code <resources>}, {@code <constraints>},
 * {@code <rsc_defaults>} or {@code <op_defaults>}; and directories of such files ({@code *.xml}), merged.
 * Every problem names the file, line and element; anything unsupported is an error, never a silent drop.
 */
public final class DefinitionsLoader {
    private static final Duration DEFAULT_OP_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> IGNORED_SECTIONS = Set.of("acls", "tags",
            "fencing-topology", "status");

    /**
     * What the definitions are read for. {@code DRIVE} ({@code run}, a reload): every VM resource must be a libvirt
     * domain guestnode can start, stop and prove stopped ({@code ocf:heartbeat:VirtualDomain} with its
     * {@code config}). {@code MODEL} ({@code check}, {@code simulate}): as Pacemaker does, any primitive with
     * {@code remote-node} makes a guest node; one guestnode could not drive is named in a warning.
     */
    public enum Purpose { DRIVE, MODEL }

    private final XmlTree xml = new XmlTree();
    private final String hostNode;
    private final Purpose purpose;

    /** @param hostNode the host's node name ({@code uname -n} unless configured) */
    public DefinitionsLoader(String hostNode) {
        this(hostNode, Purpose.DRIVE);
    }

    public DefinitionsLoader(String hostNode, Purpose purpose) {
        this.hostNode = hostNode;
        this.purpose = purpose;
    }

    /** The host's node name as Pacemaker would use it: the short {@code uname -n}. */
    public static String defaultHostNode() {
        try {
            String n = InetAddress.getLocalHost().getHostName();
            int dot = n.indexOf('.');
            return dot > 0 ? n.substring(0, dot) : n;
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    /** Definitions plus every problem found; use the definitions only when {@link #ok()}. */
    public record Result(Definitions definitions, List<Problem> problems, List<Path> files, List<Alert> alerts) {
        public Result {
            problems = List.copyOf(problems);
            files = List.copyOf(files);
            alerts = List.copyOf(alerts);
        }

        public Result(Definitions definitions, List<Problem> problems, List<Path> files) {
            this(definitions, problems, files, List.of());
        }

        public boolean ok() {
            return problems.stream().noneMatch(Problem::isError);
        }

        public long errors() {
            return problems.stream().filter(Problem::isError).count();
        }
    }

    public Result load(List<Path> paths) {
        Run run = new Run();
        List<Path> files = run.expand(paths);
        for (Path f : files) {
            try {
                run.section(xml.parse(f), true);
            } catch (XmlTree.ParseException e) {
                run.error(e.at(), e.getMessage());
            }
        }
        Definitions d = run.build();
        List<Alert> alerts = AlertsSection.read(run.alertSections, run::error);
        return new Result(d, run.problems, files, alerts);
    }

    /** The state of one load: raw sections collected from every file, then validated into the model. */
    private final class Run extends Findings {
        final List<Element> resources = new ArrayList<>();
        final List<Element> constraints = new ArrayList<>();
        final List<Element> alertSections = new ArrayList<>();
        int migrationLimit = -1;
        final List<Element> rscDefaults = new ArrayList<>();
        final List<Element> opDefaults = new ArrayList<>();
        final Set<String> clusterNodes = new LinkedHashSet<>();
        final Map<String, SourceLocation> ids = new HashMap<>();


        List<Path> expand(List<Path> paths) {
            List<Path> out = new ArrayList<>();
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    TreeSet<Path> xmls = new TreeSet<>();
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.xml")) {
                        ds.forEach(xmls::add);
                    } catch (IOException e) {
                        error(new SourceLocation(p, 0), "cannot list directory: " + e.getMessage());
                    }
                    out.addAll(xmls);
                } else if (Files.exists(p)) {
                    out.add(p);
                } else {
                    error(new SourceLocation(p, 0), "no such file or directory");
                }
            }
            return out;
        }

        /** The cluster options: only {@code migration-limit} is read (an integer, -1 for none); the rest are Pacemaker's. */
        void migrationLimit(Element crmConfig) {
            String v = nvpairs(crmConfig, "cluster_property_set").get("migration-limit");
            if (v == null) {
                return;
            }
            try {
                migrationLimit = Integer.parseInt(v.trim());
                if (migrationLimit < -1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                error(crmConfig.at(), "<crm_config>: migration-limit '" + v + "' is not -1 (no limit) or a count of "
                        + "moves");
                migrationLimit = -1;
            }
        }

        /** Dispatches a top-level element: cib, configuration, or one of its sections. */
        void section(Element e, boolean top) {
            switch (e.name()) {
                case "cib" -> {
                    Optional<Element> conf = e.child("configuration");
                    if (conf.isEmpty()) {
                        error(e.at(), "<cib> has no <configuration>");
                    } else {
                        section(conf.get(), false);
                    }
                }
                case "configuration" -> e.children().forEach(c -> section(c, false));
                case "crm_config" -> migrationLimit(e);
                case "resources" -> resources.addAll(e.children());
                case "constraints" -> constraints.addAll(e.children());
                case "alerts" -> alertSections.add(e);
                case "rsc_defaults" -> rscDefaults.add(e);
                case "op_defaults" -> opDefaults.add(e);
                case "nodes" -> {
                    for (Element n : e.children("node")) {
                        String uname = n.attr("uname");
                        if (uname != null && !uname.isBlank()) {
                            clusterNodes.add(uname);
                        }
                    }
                }
                default -> {
                    if (!top && IGNORED_SECTIONS.contains(e.name())) {
                        return;
                    }
                    error(e.at(), top ? "root element <" + e.name() + "> is not a CIB document (expected <cib>, "
                            + "<configuration>, <resources>, <constraints>, <rsc_defaults> or <op_defaults>)"
                            : "unsupported configuration section <" + e.name() + ">");
                }
            }
        }

        void claimId(Element e) {
            String id = e.attr("id");
            if (id == null) {
                return;
            }
            SourceLocation first = ids.putIfAbsent(id, e.at());
            if (first != null) {
                error(e.at(), e.describe() + ": duplicate id '" + id + "' (first declared at " + first + ")");
            }
        }

        String requireId(Element e) {
            String id = e.attr("id");
            if (id == null || id.isBlank()) {
                error(e.at(), "<" + e.name() + "> has no id");
                return null;
            }
            claimId(e);
            return id;
        }

        /** Reads the nvpairs of every set named {@code setName} under {@code owner}; the first value wins. */
        SequencedMap<String, String> nvpairs(Element owner, String setName) {
            SequencedMap<String, String> out = new LinkedHashMap<>();
            for (Element set : owner.children(setName)) {
                claimId(set);
                if (set.attr("id-ref") != null) {
                    error(set.at(), "<" + setName + " id-ref=\"" + set.attr("id-ref") + "\"> is not supported; "
                            + "write the values in place");
                    continue;
                }
                for (Element c : set.children()) {
                    switch (c.name()) {
                        case "nvpair" -> {
                            claimId(c);
                            String name = c.attr("name");
                            String value = c.attr("value");
                            if (c.attr("id-ref") != null) {
                                error(c.at(), "<nvpair id-ref> is not supported");
                            } else if (name == null || name.isBlank()) {
                                error(c.at(), "<nvpair> in " + owner.describe() + " has no name");
                            } else if (value == null) {
                                error(c.at(), "<nvpair name=\"" + name + "\"> in " + owner.describe() + " has no value");
                            } else {
                                out.putIfAbsent(name, value);
                            }
                        }
                        case "rule" -> error(c.at(), "rules are not supported (in " + set.describe() + " of "
                                + owner.describe() + ")");
                        default -> error(c.at(), "unexpected <" + c.name() + "> in " + set.describe());
                    }
                }
            }
            return out;
        }

        SequencedMap<String, String> defaults(List<Element> sections) {
            SequencedMap<String, String> out = new LinkedHashMap<>();
            for (Element s : sections) {
                out.putAll(nvpairs(s, "meta_attributes"));
                for (Element c : s.children()) {
                    if (!c.name().equals("meta_attributes")) {
                        error(c.at(), "unexpected <" + c.name() + "> in <" + s.name() + ">");
                    }
                }
            }
            return out;
        }

        // ------------------------------------------------------------ model

        Definitions build() {
            SequencedMap<String, String> rscDef = defaults(rscDefaults);
            SequencedMap<String, String> opDef = defaults(opDefaults);
            Duration opTimeout = DEFAULT_OP_TIMEOUT;
            if (opDef.containsKey("timeout")) {
                opTimeout = duration(opDefaults.get(0).at(), "op_defaults timeout", opDef.get("timeout"), false)
                        .orElse(DEFAULT_OP_TIMEOUT);
            }

            List<VmResource> vms = new ArrayList<>();
            List<Service> services = new ArrayList<>();
            List<Group> groups = new ArrayList<>();
            List<CloneSet> clones = new ArrayList<>();
            Map<String, Element> declared = new LinkedHashMap<>();

            for (Element r : resources) {
                switch (r.name()) {
                    case "primitive" -> primitive(r, Map.of(), Optional.empty(), rscDef, opTimeout, vms, services,
                            declared);
                    case "group" -> group(r, Map.of(), rscDef, opTimeout, vms, services, groups, declared);
                    case "clone", "master" -> clone(r, rscDef, opTimeout, vms, services, groups, clones, declared);
                    default -> error(r.at(), unsupported(r));
                }
            }

            // A group may hold VM resources (whitebox-nested-group) or services, not both.
            for (Group g : groups) {
                long vmCount = g.members().stream().filter(m -> vms.stream().anyMatch(v -> v.id().equals(m))).count();
                if (vmCount > 0 && vmCount < g.members().size()) {
                    error(g.at(), "<group id=\"" + g.id() + "\"> mixes VM resources and services; VM resources run "
                            + "on the host and services inside guest nodes");
                }
            }

            new VmResourceReader(this, xml, hostNode, clusterNodes, purpose).guestRules(vms, services, groups);

            Set<String> nodes = new LinkedHashSet<>();
            nodes.add(hostNode);
            vms.forEach(v -> nodes.add(v.node()));
            nodes.addAll(clusterNodes);

            List<LocationRule> locations = new ArrayList<>();
            List<OrderRule> orders = new ArrayList<>();
            List<ColocationRule> colocations = new ArrayList<>();
            ConstraintReader reader = new ConstraintReader(this, this::requireId, hostNode, declared, vms, groups,
                    clones);
            for (Element c : constraints) {
                switch (c.name()) {
                    case "rsc_location" -> reader.location(c, nodes).ifPresent(locations::add);
                    case "rsc_order" -> reader.order(c).ifPresent(orders::add);
                    case "rsc_colocation" -> reader.colocation(c).ifPresent(colocations::add);
                    default -> error(c.at(), unsupported(c));
                }
            }
            unplaceable(services, groups, vms, locations);
            Set<String> others = new LinkedHashSet<>(clusterNodes);
            others.remove(hostNode);
            return new Definitions(hostNode, vms, services, groups, locations, orders, others, migrationLimit,
                    colocations, clones);
        }

        /** Services run only in guest nodes: one that no guest node may run stays stopped; say so now. */
        void unplaceable(List<Service> services, List<Group> groups, List<VmResource> vms,
                         List<LocationRule> locations) {
            for (Service s : services) {
                String placed = s.group().orElse(s.id());
                boolean anywhere = vms.stream().anyMatch(v -> locations.stream().noneMatch(l ->
                        (l.resource().equals(s.id()) || l.resource().equals(placed)) && l.node().equals(v.node())
                                && l.score().isMinusInfinity()));
                if (vms.isEmpty() || !anywhere) {
                    warn(s.at(), "<primitive id=\"" + s.id() + "\">: no guest node may run it"
                            + (vms.isEmpty() ? " (there are no guest nodes)" : "") + "; it will stay stopped");
                }
            }
        }

        /** Reads a group of services (or of VM resources); returns its id, or null when it was skipped. */
        String group(Element r, Map<String, String> inherited, Map<String, String> rscDef, Duration opTimeout,
                     List<VmResource> vms, List<Service> services, List<Group> groups,
                     Map<String, Element> declared) {
            String gid = requireId(r);
            if (gid == null) {
                return null;
            }
            declared.put(gid, r);
            SequencedMap<String, String> gmeta = new LinkedHashMap<>(inherited);
            gmeta.putAll(nvpairs(r, "meta_attributes"));
            if (gmeta.containsKey("remote-node")) {
                error(r.at(), r.describe() + ": remote-node belongs on a primitive, not on a group");
            }
            List<String> members = new ArrayList<>();
            for (Element c : r.children()) {
                switch (c.name()) {
                    case "primitive" -> {
                        String mid = primitive(c, gmeta, Optional.of(gid), rscDef, opTimeout, vms, services, declared);
                        if (mid != null) {
                            members.add(mid);
                        }
                    }
                    case "meta_attributes", "instance_attributes" -> {
                        // read above; group instance attributes have no meaning here
                    }
                    default -> error(c.at(), unsupported(c) + " inside " + r.describe());
                }
            }
            if (members.isEmpty()) {
                error(r.at(), r.describe() + " has no primitives");
            }
            groups.add(new Group(gid, members, r.at()));
            return gid;
        }

        /**
         * Reads an anonymous clone of one service or one group of services; its meta-attributes (target-role,
         * is-managed, ...) pass to what it holds. A VM resource cannot be cloned: a guest node is one VM.
         */
        void clone(Element r, Map<String, String> rscDef, Duration opTimeout, List<VmResource> vms,
                   List<Service> services, List<Group> groups, List<CloneSet> clones, Map<String, Element> declared) {
            String cid = requireId(r);
            if (cid == null) {
                return;
            }
            declared.put(cid, r);
            SequencedMap<String, String> cmeta = nvpairs(r, "meta_attributes");
            List<Element> children = r.children().stream().filter(c -> !c.name().equals("meta_attributes")
                    && !c.name().equals("instance_attributes")).toList();
            if (children.size() != 1 || !(children.get(0).name().equals("primitive")
                    || children.get(0).name().equals("group"))) {
                error(r.at(), r.describe() + " must hold exactly one primitive or group");
                return;
            }
            Element c = children.get(0);
            int vmsBefore = vms.size();
            String child = c.name().equals("primitive")
                    ? primitive(c, cmeta, Optional.empty(), rscDef, opTimeout, vms, services, declared)
                    : group(c, cmeta, rscDef, opTimeout, vms, services, groups, declared);
            if (vms.size() > vmsBefore) {
                error(r.at(), r.describe() + ": a VM resource (remote-node) cannot be cloned; a guest node is one VM");
                return;
            }
            if (child != null) {
                new CloneReader(this).options(r, cid, child, cmeta).ifPresent(clones::add);
            }
        }

        String unsupported(Element e) {
            return switch (e.name()) {
                case "clone", "master" -> e.describe() + ": a clone inside a group or clone is not supported";
                case "bundle" -> e.describe() + ": bundles are not supported";
                case "template" -> e.describe() + ": resource templates are not supported";
                case "rsc_ticket" -> e.describe() + ": tickets are not supported";
                case "rsc_set", "resource_set" -> e.describe() + ": resource sets are not supported";
                default -> e.describe() + ": unsupported element";
            };
        }

        /** Reads one primitive; returns its id, or null when it was skipped. */
        String primitive(Element p, Map<String, String> inheritedMeta, Optional<String> group,
                         Map<String, String> rscDef, Duration opTimeout, List<VmResource> vms, List<Service> services,
                         Map<String, Element> declared) {
            String id = requireId(p);
            if (id == null) {
                return null;
            }
            String standard = p.attr("class");
            String provider = p.attr("provider");
            String type = p.attr("type");
            if (p.attr("template") != null) {
                error(p.at(), p.describe() + ": template references are not supported");
                return null;
            }
            if (standard == null || type == null) {
                error(p.at(), p.describe() + " needs class and type");
                return null;
            }
            if ("stonith".equals(standard)) {
                warn(p.at(), p.describe() + ": fence device skipped (guests are fenced by stopping their VM)");
                return null;
            }
            if (standard.equals("ocf") && (provider == null || provider.isBlank())) {
                error(p.at(), p.describe() + ": class ocf needs a provider");
                return null;
            }
            declared.put(id, p);
            SequencedMap<String, String> params = nvpairs(p, "instance_attributes");
            SequencedMap<String, String> ownMeta = nvpairs(p, "meta_attributes");
            for (Element c : p.children()) {
                switch (c.name()) {
                    case "instance_attributes", "meta_attributes", "operations", "utilization" -> {
                    }
                    default -> error(c.at(), "unexpected <" + c.name() + "> in " + p.describe());
                }
            }
            Map<String, String> meta = new LinkedHashMap<>(rscDef);
            meta.putAll(inheritedMeta);
            meta.putAll(ownMeta);
            ResourceMeta rm = resourceMeta(p, meta);
            List<OpDef> ops = operations(p, opTimeout);
            Agent agent = new Agent(standard, "ocf".equals(standard) ? provider : null, type);
            if (ownMeta.containsKey("remote-node")) {
                new VmResourceReader(this, xml, hostNode, clusterNodes, purpose).vm(p, id, agent, params, ownMeta, rm, ops)
                        .ifPresent(vms::add);
            } else {
                for (String k : List.of("remote-addr", "remote-port", "remote-connect-timeout", "remote-allow-migrate")) {
                    if (ownMeta.containsKey(k)) {
                        warn(p.at(), p.describe() + ": " + k + " has no effect without remote-node");
                    }
                }
                services.add(new Service(id, agent, params, rm, ops, group, p.at()));
            }
            return id;
        }


        ResourceMeta resourceMeta(Element p, Map<String, String> meta) {
            return new ResourceMetaReader(this).read(p, meta);
        }

        List<OpDef> operations(Element p, Duration defaultTimeout) {
            List<OpDef> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Element ops : p.children("operations")) {
                for (Element op : ops.children()) {
                    if (!op.name().equals("op")) {
                        error(op.at(), "unexpected <" + op.name() + "> in <operations> of " + p.describe());
                        continue;
                    }
                    claimId(op);
                    String name = op.attr("name");
                    if (name == null || name.isBlank()) {
                        error(op.at(), "<op> of " + p.describe() + " has no name");
                        continue;
                    }
                    if (op.attr("role") != null) {
                        error(op.at(), "<op name=\"" + name + "\"> of " + p.describe() + ": role '" + op.attr("role")
                                + "' is not supported");
                        continue;
                    }
                    String what = "<op name=\"" + name + "\"> of " + p.describe();
                    Duration interval = duration(op.at(), what + ": interval", op.optAttr("interval").orElse("0"), true)
                            .orElse(Duration.ZERO);
                    Duration timeout = op.attr("timeout") == null ? defaultTimeout
                            : duration(op.at(), what + ": timeout", op.attr("timeout"), false).orElse(defaultTimeout);
                    Optional<OnFail> onFail = Optional.empty();
                    if (op.attr("on-fail") != null) {
                        try {
                            onFail = Optional.of(OnFail.parse(op.attr("on-fail")));
                        } catch (IllegalArgumentException e) {
                            error(op.at(), what + ": " + e.getMessage());
                        }
                    }
                    boolean enabled = op.attr("enabled") == null
                            || bool(op.at(), what + ": enabled", op.attr("enabled")).orElse(true);
                    if (!seen.add(name + "/" + interval.toMillis())) {
                        error(op.at(), what + ": a " + name + " with interval " + Durations.format(interval)
                                + " is already defined");
                    }
                    Map<String, String> params = new LinkedHashMap<>(nvpairs(op, "instance_attributes"));
                    out.add(new OpDef(name, interval, timeout, onFail, enabled, params, op.at()));
                }
            }
            return out;
        }

    }

}
