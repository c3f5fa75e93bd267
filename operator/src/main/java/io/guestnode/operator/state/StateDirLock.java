package io.guestnode.operator.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per state directory: an exclusive lock on {@code STATE_DIR/lock}, held for the daemon's life (the
 * kernel drops it when the process dies, however it dies). The file names the holder's pid for the error message.
 */
public final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    /** The state directory is in use, or cannot be locked; the message says which and names the directory. */
    public static final class InUse extends Exception {
        InUse(String message) {
            super(message);
        }
    }

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static StateDirLock acquire(Path dir) throws InUse {
        Path file = dir.resolve("lock");
        FileChannel ch;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new InUse("cannot lock the state directory " + dir + ": " + e.getMessage());
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            close(ch);
            throw new InUse("cannot lock the state directory " + dir + ": " + e.getMessage());
        }
        if (l == null) {
            String holder = holder(file);
            close(ch);
            throw new InUse("another guestnode uses the state directory " + dir + holder
                    + "; one daemon per state directory (stop it, or give this one its own --state-dir)");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
        } catch (IOException e) {
            // the lock holds without the pid; only the message of a second daemon is poorer
        }
        return new StateDirLock(ch, l);
    }

    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // released with the channel
        }
        close(channel);
    }
}
