package io.guestnode.operator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One log event, one line. Under journald (its {@code JOURNAL_STREAM} names the device and inode of this process's
 * standard error) each line begins with its syslog priority ({@code <3>} error, {@code <4>} warning, {@code <6>}
 * info, {@code <7>} debug) and carries no time of its own, so that {@code journalctl -p warning} selects by severity;
 * elsewhere it begins with the time and the level. CR and LF in a message are written as {@code \r} and {@code \n},
 * whatever a guest sent.
 */
public final class JournalLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final boolean journal;

    public JournalLayout() {
        this(underJournal(System.getenv("JOURNAL_STREAM"), Path.of("/proc/self/fd/2")));
    }

    JournalLayout(boolean journal) {
        this.journal = journal;
    }

    /** Whether {@code journalStream} ("DEVICE:INODE") is the file {@code stderr} leads to, as systemd sets it. */
    static boolean underJournal(String journalStream, Path stderr) {
        if (journalStream == null || !journalStream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            Object dev = Files.getAttribute(stderr, "unix:dev");
            Object ino = Files.getAttribute(stderr, "unix:ino");
            return journalStream.equals(dev + ":" + ino);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(128);
        if (journal) {
            b.append('<').append(priority(e.getLevel())).append('>');
        } else {
            b.append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ');
            String level = e.getLevel().toString();
            b.append(level).append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
        }
        String logger = e.getLoggerName();
        b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        String msg = e.getFormattedMessage();
        b.append(msg == null ? "" : msg.replace("\r", "\\r").replace("\n", "\\n")).append('\n');
        if (e.getThrowableProxy() != null) { // an internal error's trace: each of its lines keeps the priority
            String prefix = journal ? "<" + priority(e.getLevel()) + ">" : "";
            ThrowableProxyUtil.asString(e.getThrowableProxy()).lines().forEach(l -> b.append(prefix).append(l)
                    .append('\n'));
        }
        return b.toString();
    }

    static int priority(Level l) {
        return switch (l.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }
}
