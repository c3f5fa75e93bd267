package io.guestnode.operator.definitions;

import io.guestnode.operator.definitions.XmlTree.Element;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/** The CIB's {@code <alerts>} sections, read into {@link Alert}s; what it cannot read is an error naming the element. */
final class AlertsSection {
    private AlertsSection() {
    }

    static List<Alert> read(List<Element> sections, BiConsumer<SourceLocation, String> error) {
        List<Alert> out = new ArrayList<>();
        for (Element section : sections) {
            for (Element a : section.children()) {
                if (!a.name().equals("alert")) {
                    error.accept(a.at(), "<alerts> holds <" + a.name() + ">; only <alert> is read");
                    continue;
                }
                alert(a, error).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<Alert> alert(Element a, BiConsumer<SourceLocation, String> error) {
        String id = a.attr("id");
        String path = a.attr("path");
        if (id == null || id.isBlank()) {
            error.accept(a.at(), "<alert> has no id");
            return Optional.empty();
        }
        if (path == null || !path.startsWith("/")) {
            error.accept(a.at(), a.describe() + ": path '" + (path == null ? "" : path) + "' must be the agent's "
                    + "absolute path");
            return Optional.empty();
        }
        Map<String, String> meta = nvpairs(a, "meta_attributes");
        Duration timeout = Alert.DEFAULT_TIMEOUT;
        if (meta.containsKey("timeout")) {
            try {
                timeout = Durations.parse(meta.get("timeout"));
            } catch (IllegalArgumentException e) {
                error.accept(a.at(), a.describe() + ": timeout '" + meta.get("timeout") + "' is not a duration");
                return Optional.empty();
            }
        }
        Set<Alert.Kind> select = EnumSet.noneOf(Alert.Kind.class);
        for (Element s : a.children("select")) {
            for (Element k : s.children()) {
                switch (k.name()) {
                    case "select_nodes" -> select.add(Alert.Kind.NODE);
                    case "select_fencing" -> select.add(Alert.Kind.FENCING);
                    case "select_resources" -> select.add(Alert.Kind.RESOURCE);
                    case "select_attributes" -> select.add(Alert.Kind.ATTRIBUTE);
                    default -> error.accept(k.at(), a.describe() + ": <select> holds <" + k.name() + ">");
                }
            }
        }
        List<String> recipients = new ArrayList<>();
        for (Element r : a.children("recipient")) {
            String v = r.attr("value");
            if (v == null || v.isBlank()) {
                error.accept(r.at(), a.describe() + ": <recipient> has no value");
                return Optional.empty();
            }
            recipients.add(v);
        }
        return Optional.of(new Alert(id, Path.of(path), timeout, meta.getOrDefault("timestamp-format",
                Alert.DEFAULT_TIMESTAMP_FORMAT), nvpairs(a, "instance_attributes"), select, recipients));
    }

    private static Map<String, String> nvpairs(Element a, String set) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Element s : a.children(set)) {
            for (Element nv : s.children("nvpair")) {
                if (nv.attr("name") != null && nv.attr("value") != null) {
                    out.put(nv.attr("name"), nv.attr("value"));
                }
            }
        }
        return out;
    }
}
