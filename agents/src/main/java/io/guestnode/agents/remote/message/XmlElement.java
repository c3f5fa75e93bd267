package io.guestnode.agents.remote.message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * An immutable XML element as the protocol uses it: a name, attributes in their original order, and
 * child elements. Text content is never meaningful in Pacemaker Remote messages and is not kept.
 */
public record XmlElement(String name, SequencedMap<String, String> attributes, List<XmlElement> children) {

    public XmlElement {
        attributes = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(attributes));
        children = List.copyOf(children);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String attr(String key) {
        return attributes.get(key);
    }

    public Optional<String> optAttr(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    /** The integer value of an attribute, or {@code fallback} when it is absent or not a number. */
    public long longAttr(String key, long fallback) {
        String v = attributes.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public Optional<XmlElement> child(String childName) {
        for (XmlElement c : children) {
            if (c.name.equals(childName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public List<XmlElement> children(String childName) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) {
            if (c.name.equals(childName)) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return XmlCodec.write(this);
    }

    /** Builds an element; attribute order is insertion order, as on the wire. */
    public static final class Builder {
        private final String name;
        private final LinkedHashMap<String, String> attributes = new LinkedHashMap<>();
        private final List<XmlElement> children = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder attr(String key, String value) {
            if (value != null) {
                attributes.put(key, value);
            }
            return this;
        }

        public Builder attr(String key, long value) {
            attributes.put(key, Long.toString(value));
            return this;
        }

        public Builder child(XmlElement child) {
            children.add(child);
            return this;
        }

        public XmlElement build() {
            return new XmlElement(name, attributes, children);
        }
    }
}
