package io.guestnode.operator.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A guest's own pacemaker log, read through {@code /proc/INIT/root} (a read of a file, nothing the guest sees): how
 * long its remoted spent generating Diffie-Hellman parameters before it listened. That random time (a prime search,
 * seconds on a loaded host) is part of every recovery and explains a missed deadline.
 */
final class GuestLog {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS yyyy",
            Locale.ENGLISH);

    private GuestLog() {
    }

    /** Seconds between remoted's last "Generating Diffie-Hellman parameters" and its "accepting connections". */
    static Double dhSeconds(long initPid) {
        Path log = Path.of("/proc", Long.toString(initPid), "root", "var", "log", "pacemaker", "pacemaker.log");
        LocalDateTime gen = null;
        LocalDateTime ready = null;
        try {
            for (String line : Files.readAllLines(log)) {
                if (line.contains("Generating Diffie-Hellman parameters")) {
                    gen = stamp(line);
                    ready = null;
                } else if (line.contains("accepting connections") && gen != null) {
                    ready = stamp(line);
                }
            }
        } catch (IOException | RuntimeException gone) {
            return null;
        }
        return gen == null || ready == null ? null : Duration.between(gen, ready).toMillis() / 1000.0;
    }

    /** " (remoted's DH parameters took 1.23 s)" for the guest's live incarnation, or "". */
    static String dhNote(Observer observer, String guest) {
        ProcScan.Seen s = observer.live(guest);
        Double dh = s == null ? null : dhSeconds(s.initPid());
        return dh == null ? "" : String.format(Locale.ROOT, " (its remoted's DH parameters took %.2f s)", dh);
    }

    private static LocalDateTime stamp(String line) {
        return LocalDateTime.parse(line.substring(0, 19) + " " + Year.now().getValue(), STAMP)
                .atZone(ZoneId.systemDefault()).toLocalDateTime();
    }
}
