package io.guestnode.operator.simulate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Pacemaker's scheduler as a command: {@code crm_simulate} of Debian's pacemaker-cli-utils. */
final class CrmSimulate {
    static final Path BINARY = Path.of("/usr/sbin/crm_simulate");

    private CrmSimulate() {
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Runs crm_simulate with {@code args}; returns what it printed (stdout and stderr). */
    static String run(List<String> args) throws IOException, InterruptedException {
        return run(args, false);
    }

    /**
     * Runs crm_simulate; with {@code failedTransitionOk}, an exit after "An invalid transition was produced" (the
     * summary is printed before the transition is carried out) is no error.
     */
    static String run(List<String> args, boolean failedTransitionOk) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("crm_simulate did not finish: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && !(failedTransitionOk && text.contains("Transition Summary:"))) {
            throw new IOException("crm_simulate exited " + p.exitValue() + ": " + cmd + "\n" + text);
        }
        return text;
    }

    /** The lines of section {@code title} ("Transition Summary:") of crm_simulate's text, up to the next blank. */
    static List<String> section(String output, String title) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : output.split("\n", -1)) {
            if (line.equals(title)) {
                in = true;
            } else if (in && line.isBlank()) {
                if (!out.isEmpty() && !title.startsWith("Revised") && !title.startsWith("Current")) {
                    break;
                }
            } else if (in && !line.startsWith(" ")) {
                break;
            } else if (in) {
                out.add(line);
            }
        }
        return out;
    }
}
