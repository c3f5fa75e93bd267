package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * One reading of CIB files, shared by the readers of its sections: what was found wrong ({@link Findings}), the ids
 * declared so far (an id is declared once in the whole CIB) and the name-value sets of an element.
 */
class CibReading extends Findings {
    private final Map<String, SourceLocation> ids = new HashMap<>();

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
}
