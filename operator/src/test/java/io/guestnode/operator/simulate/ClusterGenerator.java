package io.guestnode.operator.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random guest-node clusters for the comparison with Pacemaker's scheduler, reproducible by seed: one cluster node,
 * 1-6 guests (VM resources of any agent carrying remote-node), services alone or in groups with location, order
 * and colocation constraints and random meta-attributes; then what happens to them once they run (failed monitors, starts and
 * stops, lost connections, VMs stopped behind the cluster's back, fail counts near migration-threshold, resources
 * disabled or unmanaged).
 *
 * @param configuration the CIB with an empty status
 * @param injections    crm_simulate --op-inject specs, applied once the cluster has settled; a node written
 *                      {@code ~guestN} means "where the resource runs then, else guestN"; {@code ~host1} means
 *                      "on host1 if it runs there, else not at all" (a VM or connection that never ran cannot fail)
 * @param edits         changes to the configuration made after that (meta-attributes set on a resource)
 * @param seconds       how long after the failures the cluster is looked at
 */
public record ClusterGenerator(long seed, String configuration, List<String> injections, List<Edit> edits,
                               long seconds) {
    public static final String HOST = "host1";

    /** A meta-attribute set on a resource after the cluster settled. */
    public record Edit(String resource, String name, String value) {
    }

    private record Unit(String id, List<String> members) {
    }

    public static ClusterGenerator of(long seed) {
        Random r = new Random(seed);
        int guests = 1 + r.nextInt(6);
        StringBuilder res = new StringBuilder();
        StringBuilder cons = new StringBuilder();
        List<String> vms = new ArrayList<>();
        for (int g = 1; g <= guests; g++) {
            String vm = "vm" + g;
            vms.add(vm);
            res.append("      <primitive id=\"").append(vm).append("\" class=\"ocf\" provider=\"pacemaker\" ")
                    .append("type=\"Dummy\">\n        <meta_attributes id=\"").append(vm).append("-meta\">\n")
                    .append(nv(vm, "remote-node", "guest" + g));
            if (r.nextInt(12) == 0) {
                res.append(nv(vm, "target-role", "Stopped"));
            }
            res.append("        </meta_attributes>\n        <operations>\n          <op id=\"").append(vm)
                    .append("-mon\" name=\"monitor\" interval=\"10s\"/>\n        </operations>\n      </primitive>\n");
        }
        List<Unit> units = new ArrayList<>();
        List<String> services = new ArrayList<>();
        int n = r.nextInt(8);
        int groupNo = 0;
        for (int i = 0; i < n; ) {
            boolean group = r.nextInt(3) == 0 && n - i >= 2;
            int size = group ? 2 + r.nextInt(Math.min(2, n - i - 1)) : 1;
            List<String> members = new ArrayList<>();
            String gid = group ? "grp" + (++groupNo) : null;
            if (group) {
                res.append("      <group id=\"").append(gid).append("\">\n");
            }
            for (int k = 0; k < size; k++, i++) {
                String id = "rsc" + (i + 1);
                members.add(id);
                services.add(id);
                res.append(service(r, id, group ? "  " : ""));
            }
            if (group) {
                res.append("      </group>\n");
            }
            units.add(new Unit(group ? gid : members.getFirst(), members));
        }
        for (Unit u : units) {
            cons.append("      <rsc_location id=\"ban-").append(u.id()).append("\" rsc=\"").append(u.id())
                    .append("\" node=\"").append(HOST).append("\" score=\"-INFINITY\"/>\n");
            int prefs = r.nextInt(3);
            for (int p = 0; p < prefs; p++) {
                int g = 1 + r.nextInt(guests);
                String score = switch (r.nextInt(5)) {
                    case 0 -> "-INFINITY";
                    case 1 -> "INFINITY";
                    default -> Integer.toString(10 * (1 + r.nextInt(20)));
                };
                cons.append("      <rsc_location id=\"loc-").append(u.id()).append("-").append(p).append("\" rsc=\"")
                        .append(u.id()).append("\" node=\"guest").append(g).append("\" score=\"").append(score)
                        .append("\"/>\n");
            }
        }
        for (int o = 0; o < units.size() - 1 && o < 3; o++) {
            if (r.nextInt(3) == 0) {
                Unit first = units.get(o);
                Unit then = units.get(o + 1 + r.nextInt(units.size() - o - 1));
                cons.append("      <rsc_order id=\"order-").append(o).append("\" first=\"").append(first.id())
                        .append("\" then=\"").append(then.id()).append("\"")
                        .append(r.nextInt(4) == 0 ? " kind=\"Optional\"" : "").append("/>\n");
            }
        }
        colocations(new Random(seed * 7919 + 17), units, cons);
        List<String> cloneInjections = new ArrayList<>();
        clone(new Random(seed * 104729 + 3), guests, units, res, cons, cloneInjections);
        String stickiness = r.nextInt(3) == 0 ? "" : "    <rsc_defaults>\n      <meta_attributes id=\"rsc-options\">\n"
                + "        <nvpair id=\"rsc-options-stickiness\" name=\"resource-stickiness\" value=\""
                + (r.nextInt(2) == 0 ? "100" : "1") + "\"/>\n      </meta_attributes>\n    </rsc_defaults>\n";
        String cib = "<cib validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" admin_epoch=\"0\" "
                + "crm_feature_set=\"3.16.1\">\n  <configuration>\n    <crm_config>\n"
                + "      <cluster_property_set id=\"cib-bootstrap-options\">\n"
                + "        <nvpair id=\"opt-stonith\" name=\"stonith-enabled\" value=\"true\"/>\n"
                + "        <nvpair id=\"opt-quorum\" name=\"no-quorum-policy\" value=\"ignore\"/>\n"
                + "      </cluster_property_set>\n    </crm_config>\n"
                + "    <nodes>\n      <node id=\"1\" uname=\"" + HOST + "\"/>\n    </nodes>\n"
                + "    <resources>\n      <primitive id=\"fence-host\" class=\"stonith\" type=\"fence_dummy\"/>\n"
                + res + "    </resources>\n"
                + "    <constraints>\n" + cons + "    </constraints>\n" + stickiness
                + "  </configuration>\n  <status/>\n</cib>\n";
        List<String> injections = new ArrayList<>();
        List<Edit> edits = new ArrayList<>();
        happenings(r, vms, services, injections, edits);
        injections.addAll(cloneInjections);
        return new ClusterGenerator(seed, cib, injections, edits, r.nextInt(4) == 0 ? 3600 : r.nextInt(60));
    }

    /**
     * Colocations in half the clusters with two units or more, drawn apart from the rest (each seed's cluster is
     * otherwise what it was without them): a later unit with an earlier one, so that they never form a cycle.
     */
    private static void colocations(Random r, List<Unit> units, StringBuilder cons) {
        if (units.size() < 2 || r.nextInt(2) == 0) {
            return;
        }
        int count = 1 + r.nextInt(Math.min(2, units.size() - 1));
        for (int c = 0; c < count; c++) {
            int dependent = 1 + r.nextInt(units.size() - 1);
            int primary = r.nextInt(dependent);
            String score = switch (r.nextInt(6)) {
                case 0, 1 -> "INFINITY";
                case 2 -> "-INFINITY";
                case 3 -> "-100";
                default -> Integer.toString(50 * (1 + r.nextInt(10)));
            };
            cons.append("      <rsc_colocation id=\"coloc-").append(c).append("\" rsc=\"")
                    .append(units.get(dependent).id()).append("\" with-rsc=\"").append(units.get(primary).id())
                    .append("\" score=\"").append(score).append("\"/>\n");
        }
    }

    /**
     * An anonymous clone in a third of the clusters, drawn apart from the rest: of a primitive or of a group of two,
     * with or without clone-max and interleave; maybe ordered before a unit, maybe a unit colocated with it; and
     * failures of its instances ({@code @=guestN}: only where an instance runs).
     */
    private static void clone(Random r, int guests, List<Unit> units, StringBuilder res, StringBuilder cons,
                              List<String> injections) {
        if (r.nextInt(3) != 0) {
            return;
        }
        boolean group = r.nextBoolean();
        List<String> members = group ? List.of("agent1", "agent2") : List.of("ping");
        StringBuilder meta = new StringBuilder();
        if (r.nextInt(3) == 0) {
            meta.append(nv("cln", "clone-max", Integer.toString(1 + r.nextInt(guests))));
        }
        if (r.nextBoolean()) {
            meta.append(nv("cln", "interleave", "true"));
        }
        res.append("      <clone id=\"cln\">\n");
        if (!meta.isEmpty()) {
            res.append("        <meta_attributes id=\"cln-meta\">\n").append(meta).append("        </meta_attributes>\n");
        }
        if (group) {
            res.append("        <group id=\"cgrp\">\n");
        }
        for (String m : members) {
            res.append(service(r, m, group ? "    " : "  "));
        }
        if (group) {
            res.append("        </group>\n");
        }
        res.append("      </clone>\n");
        cons.append("      <rsc_location id=\"ban-cln\" rsc=\"cln\" node=\"").append(HOST)
                .append("\" score=\"-INFINITY\"/>\n");
        if (!units.isEmpty() && r.nextInt(3) == 0) {
            cons.append("      <rsc_order id=\"order-cln\" first=\"cln\" then=\"")
                    .append(units.get(r.nextInt(units.size())).id()).append("\"/>\n");
        }
        if (!units.isEmpty() && r.nextInt(4) == 0) {
            cons.append("      <rsc_colocation id=\"coloc-cln\" rsc=\"").append(units.get(r.nextInt(units.size())).id())
                    .append("\" with-rsc=\"cln\" score=\"INFINITY\"/>\n");
        }
        int failures = r.nextInt(3);
        for (int i = 0; i < failures; i++) {
            String m = members.get(r.nextInt(members.size()));
            injections.add(m + (r.nextInt(4) == 0 ? "_start_0" : "_monitor_10000") + "@=guest" + (1 + r.nextInt(guests))
                    + "=" + (r.nextInt(3) == 0 ? "7" : "1"));
        }
    }

    private static String service(Random r, String id, String indent) {
        StringBuilder s = new StringBuilder();
        String in = "      " + indent;
        s.append(in).append("<primitive id=\"").append(id).append("\" class=\"ocf\" provider=\"pacemaker\" ")
                .append("type=\"Dummy\">\n");
        List<String> meta = new ArrayList<>();
        if (r.nextInt(3) == 0) {
            meta.add(nv(id, "migration-threshold", Integer.toString(1 + r.nextInt(3))));
        }
        if (r.nextInt(5) == 0) {
            meta.add(nv(id, "failure-timeout", "120s"));
        }
        if (r.nextInt(6) == 0) {
            meta.add(nv(id, "resource-stickiness", Integer.toString(50 * r.nextInt(5))));
        }
        if (!meta.isEmpty()) {
            s.append(in).append("  <meta_attributes id=\"").append(id).append("-meta\">\n");
            meta.forEach(m -> s.append(in).append("  ").append(m.strip()).append('\n'));
            s.append(in).append("  </meta_attributes>\n");
        }
        String onFail = switch (r.nextInt(10)) {
            case 0 -> " on-fail=\"block\"";
            case 1 -> " on-fail=\"stop\"";
            case 2 -> " on-fail=\"ignore\"";
            default -> "";
        };
        s.append(in).append("  <operations>\n").append(in).append("    <op id=\"").append(id)
                .append("-mon\" name=\"monitor\" interval=\"10s\"").append(onFail).append("/>\n")
                .append(in).append("  </operations>\n").append(in).append("</primitive>\n");
        return s.toString();
    }

    /** What happens once the cluster runs: failures injected, resources disabled or unmanaged. */
    private static void happenings(Random r, List<String> vms, List<String> services, List<String> injections,
                                   List<Edit> edits) {
        int count = r.nextInt(4);
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(10);
            String g = "guest" + (1 + r.nextInt(vms.size()));
            if (kind <= 4 && !services.isEmpty()) {
                String s = services.get(r.nextInt(services.size()));
                String op = switch (kind) {
                    case 0, 1, 2 -> s + "_monitor_10000@~" + g + "=" + (r.nextInt(3) == 0 ? "1" : "7");
                    case 3 -> s + "_start_0@~" + g + "=1";
                    default -> s + "_stop_0@~" + g + "=1";
                };
                injections.add(op);
                if (r.nextInt(3) == 0) {
                    injections.add(op); // twice: a fail count of 2
                }
            } else if (kind == 5) {
                injections.add(vms.get(r.nextInt(vms.size())) + "_monitor_10000@~" + HOST + "=7");
            } else if (kind == 6) {
                injections.add(g + "_monitor_30000@~" + HOST + "=7");
            } else if (kind == 7 && !services.isEmpty()) {
                edits.add(new Edit(services.get(r.nextInt(services.size())), "target-role", "Stopped"));
            } else if (kind == 8) {
                edits.add(new Edit(vms.get(r.nextInt(vms.size())), "target-role", "Stopped"));
            } else if (!services.isEmpty()) {
                edits.add(new Edit(services.get(r.nextInt(services.size())), "is-managed", "false"));
            }
        }
    }

    private static String nv(String owner, String name, String value) {
        return "          <nvpair id=\"" + owner + "-" + name + "\" name=\"" + name + "\" value=\"" + value + "\"/>\n";
    }
}
