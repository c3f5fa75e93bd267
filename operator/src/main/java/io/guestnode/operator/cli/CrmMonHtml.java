package io.guestnode.operator.cli;

import io.guestnode.operator.api.StatusView;

/**
 * {@code status --output-as=html}, as crm_mon's: the same sections as the text status (Cluster Summary, Node List, Full
 * List of Resources, Failed Resource Actions, Notes), as headings and lists. Every text is escaped: a guest's failure
 * reason or a resource's name never becomes markup. The daemon serves the same page on its HTTP endpoint, refreshed.
 */
public final class CrmMonHtml {
    private CrmMonHtml() {
    }

    /** The page; with {@code refreshSeconds} above 0 it asks the browser to load it again that often. */
    public static String of(StatusView v, String version, int refreshSeconds) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
        if (refreshSeconds > 0) {
            h.append("<meta http-equiv=\"refresh\" content=\"").append(refreshSeconds).append("\">\n");
        }
        h.append("<title>Cluster Summary</title>\n<style>\nbody { font-family: sans-serif; }\n"
                + ".bold { font-weight: bold; }\n.online { color: green; }\n.offline, .failed { color: red; }\n"
                + ".maint { color: blue; }\n</style>\n</head>\n<body>\n");
        boolean inList = false;
        for (String line : StatusCommand.text(v, 0).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) {
                if (inList) {
                    h.append("</ul>\n");
                }
                h.append("<h2>").append(escape(line.endsWith(":") ? line.substring(0, line.length() - 1) : line))
                        .append("</h2>\n<ul>\n");
                inList = true;
            } else {
                String item = line.strip().startsWith("* ") ? line.strip().substring(2) : line.strip();
                h.append("<li><span class=\"").append(cssClass(item)).append("\">").append(escape(item))
                        .append("</span></li>\n");
            }
        }
        if (inList) {
            h.append("</ul>\n");
        }
        h.append("<p>").append(escape(version)).append("</p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String cssClass(String item) {
        if (item.contains("FAILED") || item.contains("UNCLEAN") || item.contains("could not be executed")
                || item.contains("returned '")) {
            return "failed";
        }
        if (item.contains("maintenance") || item.contains("standby")) {
            return "maint";
        }
        if (item.startsWith("Online:") || item.startsWith("GuestOnline:") || item.contains("Started")) {
            return "online";
        }
        return "bold";
    }

    /** HTML text: the five characters that could open markup or end an attribute, as entities. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
