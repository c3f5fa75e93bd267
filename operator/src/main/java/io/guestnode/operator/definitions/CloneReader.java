package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Reads the options of an anonymous clone; what is not supported is refused naming the clone and the option. */
final class CloneReader {
    private final Findings findings;

    CloneReader(Findings findings) {
        this.findings = findings;
    }

    /** The clone's own options from its meta-attributes; empty (with an error) when one cannot be honoured. */
    Optional<CloneSet> options(Element clone, String id, String child, Map<String, String> meta) {
        boolean ok = true;
        if (clone.name().equals("master") || isTrue(clone, meta, "promotable")) {
            findings.error(clone.at(), clone.describe() + ": promotable clones are not supported (only anonymous "
                    + "clones)");
            ok = false;
        }
        if (isTrue(clone, meta, "globally-unique")) {
            findings.error(clone.at(), clone.describe() + ": globally-unique clones are not supported (only "
                    + "anonymous clones)");
            ok = false;
        }
        OptionalInt max = OptionalInt.empty();
        if (meta.containsKey("clone-max")) {
            OptionalInt n = count(clone, "clone-max", meta.get("clone-max"));
            ok &= n.isPresent();
            max = n;
        }
        if (meta.containsKey("clone-node-max")) {
            OptionalInt n = count(clone, "clone-node-max", meta.get("clone-node-max"));
            if (n.isPresent() && n.getAsInt() > 1) {
                findings.error(clone.at(), clone.describe() + ": clone-node-max " + n.getAsInt() + " is not supported: "
                        + "an anonymous clone runs at most one instance in a guest node (its pacemaker-remoted knows "
                        + "a resource by its id)");
                ok = false;
            }
            ok &= n.isPresent();
        }
        boolean interleave = meta.containsKey("interleave") && findings.bool(clone.at(), clone.describe()
                + ": interleave", meta.get("interleave")).orElse(false);
        return ok ? Optional.of(new CloneSet(id, child, max, interleave, clone.at())) : Optional.empty();
    }

    private boolean isTrue(Element clone, Map<String, String> meta, String name) {
        return meta.containsKey(name) && findings.bool(clone.at(), clone.describe() + ": " + name, meta.get(name))
                .orElse(false);
    }

    private OptionalInt count(Element clone, String name, String text) {
        try {
            int n = Integer.parseInt(text.trim().toLowerCase(Locale.ROOT));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return OptionalInt.of(n);
        } catch (NumberFormatException e) {
            findings.error(clone.at(), clone.describe() + ": " + name + " '" + text + "' is not a non-negative integer");
            return OptionalInt.empty();
        }
    }
}
