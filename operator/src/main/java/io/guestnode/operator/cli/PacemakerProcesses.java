package io.guestnode.operator.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Whether Pacemaker's own daemons run on this host: its pacemakerd or its controller, found in /proc. */
final class PacemakerProcesses {
    private PacemakerProcesses() {
    }

    /** The first of them found ("pacemaker-controld (pid 1234)"), why it cannot be told, or empty. */
    static Optional<String> running(Path proc) {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path pid : pids) {
                String comm;
                try {
                    comm = Files.readString(pid.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue; // ended meanwhile
                }
                // the kernel keeps 15 characters of a command's name
                if (comm.equals("pacemakerd") || comm.equals("pacemaker-contr")) {
                    return Optional.of((comm.equals("pacemakerd") ? comm : "pacemaker-controld") + " (pid "
                            + pid.getFileName() + ")");
                }
            }
        } catch (IOException e) {
            return Optional.of("cannot tell: " + proc + " is unreadable: " + e.getMessage()); // not known stopped
        }
        return Optional.empty();
    }
}
