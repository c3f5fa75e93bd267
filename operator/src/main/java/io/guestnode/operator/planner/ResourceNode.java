package io.guestnode.operator.planner;

/** A resource on a node: a service in a guest node, or a VM resource or connection resource on the host. */
public record ResourceNode(String resource, String node) implements Comparable<ResourceNode> {
    @Override
    public int compareTo(ResourceNode o) {
        int c = resource.compareTo(o.resource);
        return c != 0 ? c : node.compareTo(o.node);
    }

    @Override
    public String toString() {
        return resource + "@" + node;
    }
}
