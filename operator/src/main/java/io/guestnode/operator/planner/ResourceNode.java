package io.guestnode.operator.planner;

/** A resource on a node: a service in a guest node, or a VM resource or connection resource on the host. */
public record ResourceNode(String resource, String node) implements Comparable<ResourceNode> {
    @Override
    public int compareTo(ResourceNode o) {
        int c = resource.compareTo(o.resource);
        return c != 0 ? c : node.compareTo(o.node);
    }

    /** The first key of {@code resource}, on any node: with {@link #after}, the range of one resource's keys. */
    public static ResourceNode first(String resource) {
        return new ResourceNode(resource, "");
    }

    /** The first key after every key of {@code resource}. */
    public static ResourceNode after(String resource) {
        return new ResourceNode(resource + '\0', "");
    }

    @Override
    public String toString() {
        return resource + "@" + node;
    }
}
