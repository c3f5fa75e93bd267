package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Reads the resources of a CIB: primitives (VM resources, which make guest nodes, and services), groups and
 * anonymous clones, with their meta-attributes and operations.
 */
final class ResourceReader {
    private final CibReading in;
    /** Reads a primitive with remote-node: a VM resource, and the guest node it makes. */
    private final VmResourceReader vmReader;

    ResourceReader(CibReading in, VmResourceReader vmReader) {
        this.in = in;
        this.vmReader = vmReader;
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
                in.warn(s.at(), "<primitive id=\"" + s.id() + "\">: no guest node may run it"
                        + (vms.isEmpty() ? " (there are no guest nodes)" : "") + "; it will stay stopped");
            }
        }
    }

    /** Reads a group of services (or of VM resources); returns its id, or null when it was skipped. */
    String group(Element r, Map<String, String> inherited, Map<String, String> rscDef, Duration opTimeout,
                 List<VmResource> vms, List<Service> services, List<Group> groups,
                 Map<String, Element> declared) {
        String gid = in.requireId(r);
        if (gid == null) {
            return null;
        }
        declared.put(gid, r);
        SequencedMap<String, String> gmeta = new LinkedHashMap<>(inherited);
        gmeta.putAll(in.nvpairs(r, "meta_attributes"));
        if (gmeta.containsKey("remote-node")) {
            in.error(r.at(), r.describe() + ": remote-node belongs on a primitive, not on a group");
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
                default -> in.error(c.at(), unsupported(c) + " inside " + r.describe());
            }
        }
        if (members.isEmpty()) {
            in.error(r.at(), r.describe() + " has no primitives");
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
        String cid = in.requireId(r);
        if (cid == null) {
            return;
        }
        declared.put(cid, r);
        SequencedMap<String, String> cmeta = in.nvpairs(r, "meta_attributes");
        List<Element> children = r.children().stream().filter(c -> !c.name().equals("meta_attributes")
                && !c.name().equals("instance_attributes")).toList();
        if (children.size() != 1 || !(children.get(0).name().equals("primitive")
                || children.get(0).name().equals("group"))) {
            in.error(r.at(), r.describe() + " must hold exactly one primitive or group");
            return;
        }
        Element c = children.get(0);
        int vmsBefore = vms.size();
        String child = c.name().equals("primitive")
                ? primitive(c, cmeta, Optional.empty(), rscDef, opTimeout, vms, services, declared)
                : group(c, cmeta, rscDef, opTimeout, vms, services, groups, declared);
        if (vms.size() > vmsBefore) {
            in.error(r.at(), r.describe() + ": a VM resource (remote-node) cannot be cloned; a guest node is one VM");
            return;
        }
        if (child != null) {
            new CloneReader(in).options(r, cid, child, cmeta).ifPresent(clones::add);
        }
    }

    static String unsupported(Element e) {
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
        String id = in.requireId(p);
        if (id == null) {
            return null;
        }
        String standard = p.attr("class");
        String provider = p.attr("provider");
        String type = p.attr("type");
        if (p.attr("template") != null) {
            in.error(p.at(), p.describe() + ": template references are not supported");
            return null;
        }
        if (standard == null || type == null) {
            in.error(p.at(), p.describe() + " needs class and type");
            return null;
        }
        if ("stonith".equals(standard)) {
            in.warn(p.at(), p.describe() + ": fence device skipped (guests are fenced by stopping their VM)");
            return null;
        }
        if (standard.equals("ocf") && (provider == null || provider.isBlank())) {
            in.error(p.at(), p.describe() + ": class ocf needs a provider");
            return null;
        }
        declared.put(id, p);
        SequencedMap<String, String> params = in.nvpairs(p, "instance_attributes");
        SequencedMap<String, String> ownMeta = in.nvpairs(p, "meta_attributes");
        for (Element c : p.children()) {
            switch (c.name()) {
                case "instance_attributes", "meta_attributes", "operations", "utilization" -> {
                }
                default -> in.error(c.at(), "unexpected <" + c.name() + "> in " + p.describe());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(rscDef);
        meta.putAll(inheritedMeta);
        meta.putAll(ownMeta);
        ResourceMeta rm = resourceMeta(p, meta);
        List<OpDef> ops = operations(p, opTimeout);
        Agent agent = new Agent(standard, "ocf".equals(standard) ? provider : null, type);
        if (ownMeta.containsKey("remote-node")) {
            vmReader.vm(p, id, agent, params, ownMeta, rm, ops)
                    .ifPresent(vms::add);
        } else {
            for (String k : List.of("remote-addr", "remote-port", "remote-connect-timeout", "remote-allow-migrate")) {
                if (ownMeta.containsKey(k)) {
                    in.warn(p.at(), p.describe() + ": " + k + " has no effect without remote-node");
                }
            }
            services.add(new Service(id, agent, params, rm, ops, group, p.at()));
        }
        return id;
    }


    ResourceMeta resourceMeta(Element p, Map<String, String> meta) {
        return new ResourceMetaReader(in).read(p, meta);
    }

    List<OpDef> operations(Element p, Duration defaultTimeout) {
        List<OpDef> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Element ops : p.children("operations")) {
            for (Element op : ops.children()) {
                if (!op.name().equals("op")) {
                    in.error(op.at(), "unexpected <" + op.name() + "> in <operations> of " + p.describe());
                    continue;
                }
                in.claimId(op);
                String name = op.attr("name");
                if (name == null || name.isBlank()) {
                    in.error(op.at(), "<op> of " + p.describe() + " has no name");
                    continue;
                }
                if (op.attr("role") != null) {
                    in.error(op.at(), "<op name=\"" + name + "\"> of " + p.describe() + ": role '" + op.attr("role")
                            + "' is not supported");
                    continue;
                }
                String what = "<op name=\"" + name + "\"> of " + p.describe();
                Duration interval = in.duration(op.at(), what + ": interval", op.optAttr("interval").orElse("0"), true)
                        .orElse(Duration.ZERO);
                Duration timeout = op.attr("timeout") == null ? defaultTimeout
                        : in.duration(op.at(), what + ": timeout", op.attr("timeout"), false).orElse(defaultTimeout);
                Optional<OnFail> onFail = Optional.empty();
                if (op.attr("on-fail") != null) {
                    try {
                        onFail = Optional.of(OnFail.parse(op.attr("on-fail")));
                    } catch (IllegalArgumentException e) {
                        in.error(op.at(), what + ": " + e.getMessage());
                    }
                }
                boolean enabled = op.attr("enabled") == null
                        || in.bool(op.at(), what + ": enabled", op.attr("enabled")).orElse(true);
                if (!seen.add(name + "/" + interval.toMillis())) {
                    in.error(op.at(), what + ": a " + name + " with interval " + Durations.format(interval)
                            + " is already defined");
                }
                Map<String, String> params = new LinkedHashMap<>(in.nvpairs(op, "instance_attributes"));
                out.add(new OpDef(name, interval, timeout, onFail, enabled, params, op.at()));
            }
        }
        return out;
    }
}
