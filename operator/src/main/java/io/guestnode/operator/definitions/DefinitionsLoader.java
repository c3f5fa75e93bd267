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
    private final class Run extends CibReading {
        final List<Element> resources = new ArrayList<>();
        final List<Element> constraints = new ArrayList<>();
        final List<Element> alertSections = new ArrayList<>();
        int migrationLimit = -1;
        final List<Element> rscDefaults = new ArrayList<>();
        final List<Element> opDefaults = new ArrayList<>();
        final Set<String> clusterNodes = new LinkedHashSet<>();


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

            VmResourceReader vmReader = new VmResourceReader(this, xml, hostNode, clusterNodes, purpose);
            ResourceReader reader = new ResourceReader(this, vmReader);
            for (Element r : resources) {
                switch (r.name()) {
                    case "primitive" -> reader.primitive(r, Map.of(), Optional.empty(), rscDef, opTimeout, vms, services,
                            declared);
                    case "group" -> reader.group(r, Map.of(), rscDef, opTimeout, vms, services, groups, declared);
                    case "clone", "master" -> reader.clone(r, rscDef, opTimeout, vms, services, groups, clones, declared);
                    default -> error(r.at(), ResourceReader.unsupported(r));
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

            vmReader.guestRules(vms, services, groups);

            Set<String> nodes = new LinkedHashSet<>();
            nodes.add(hostNode);
            vms.forEach(v -> nodes.add(v.node()));
            nodes.addAll(clusterNodes);

            List<LocationRule> locations = new ArrayList<>();
            List<OrderRule> orders = new ArrayList<>();
            List<ColocationRule> colocations = new ArrayList<>();
            ConstraintReader constraintReader = new ConstraintReader(this, this::requireId, hostNode, declared, vms, groups,
                    clones);
            for (Element c : constraints) {
                switch (c.name()) {
                    case "rsc_location" -> constraintReader.location(c, nodes).ifPresent(locations::add);
                    case "rsc_order" -> constraintReader.order(c).ifPresent(orders::add);
                    case "rsc_colocation" -> constraintReader.colocation(c).ifPresent(colocations::add);
                    default -> error(c.at(), ResourceReader.unsupported(c));
                }
            }
            reader.unplaceable(services, groups, vms, locations);
            Set<String> others = new LinkedHashSet<>(clusterNodes);
            others.remove(hostNode);
            return new Definitions(hostNode, vms, services, groups, locations, orders, others, migrationLimit,
                    colocations, clones);
        }
    }
}
