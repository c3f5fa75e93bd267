package io.guestnode.agents.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JVM options {@code bin/guestnode run} gives the daemon, read from the launcher itself: one place for them. */
public final class DaemonJvm {
    static final Pattern BASE = Pattern.compile("^jvm=\\((.*)\\)$", Pattern.MULTILINE);
    static final Pattern RUN = Pattern.compile("^\\[ \"\\$\\{1:-}\" = run ] && jvm\\+=\\((.*)\\)$", Pattern.MULTILINE);

    private DaemonJvm() {
    }

    /** The options, from {@code root}/bin/guestnode. */
    public static List<String> options(Path root) throws IOException {
        String launcher = Files.readString(root.resolve("bin/guestnode"));
        List<String> options = new ArrayList<>();
        for (Pattern p : List.of(BASE, RUN)) {
            Matcher m = p.matcher(launcher);
            if (!m.find()) {
                throw new IllegalStateException("bin/guestnode has no line matching " + p);
            }
            options.addAll(Arrays.asList(m.group(1).trim().split("\\s+")));
        }
        return options;
    }
}
