package io.guestnode.operator.engine;

import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.KeyFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key of each guest node's connection: the guest's own key file {@code DIR/GUEST/authkey} when it exists,
 * else the shared key. An own key is read again when its file changes; an own key file that cannot be used
 * (unreadable, empty, a directory) is logged naming the file and gives no key, so that guest's connection fails
 * as "key unavailable" while the other guests go on. A file that turns unusable after it was read keeps the key
 * read before, as the shared key does. Key bytes are never logged, only fingerprints.
 *
 * <p>As a {@code Supplier} it gives the shared key, so it stands wherever the shared key is expected.
 */
public final class GuestKeys implements Supplier<AuthKey> {
    private static final Logger LOG = LoggerFactory.getLogger(GuestKeys.class);

    /** The file name of a guest's own key inside its directory, as the LXC template mounts it. */
    public static final String FILE_NAME = "authkey";

    private final Supplier<AuthKey> shared;
    private final Path dir;
    private final Map<String, Own> own = new ConcurrentHashMap<>();

    /** @param dir the directory holding one directory per guest node, named by the guest node */
    public GuestKeys(Supplier<AuthKey> shared, Path dir) {
        this.shared = shared;
        this.dir = dir;
    }

    /** The key for {@code guest}'s connection: its own when {@code keys} knows guests' keys, else the one key. */
    static AuthKey forConnection(Supplier<AuthKey> keys, String guest) {
        return keys instanceof GuestKeys g ? g.forGuest(guest) : keys.get();
    }

    /** The shared key. */
    @Override
    public AuthKey get() {
        return shared.get();
    }

    /** Where {@code guest}'s own key is looked for; empty for a name that cannot be a directory name. */
    public Optional<Path> fileOf(String guest) {
        return fileOf(dir, guest);
    }

    /** Where {@code guest}'s own key is looked for in {@code dir}; empty for a name that is no directory name. */
    public static Optional<Path> fileOf(Path dir, String guest) {
        if (guest.isEmpty() || guest.equals(".") || guest.equals("..") || guest.indexOf('/') >= 0
                || guest.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        return Optional.of(dir.resolve(guest).resolve(FILE_NAME));
    }

    /** The key for {@code guest}'s connection, or null when its own key file exists but cannot be used. */
    public AuthKey forGuest(String guest) {
        Path file = fileOf(guest).orElse(null);
        if (file == null) {
            return shared.get();
        }
        Stamp stamp;
        try {
            stamp = Stamp.of(file);
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                return unusable(guest, "key file " + file + " is a link to " + linkTarget(file) + ", which does not "
                        + "exist");
            }
            Own gone = own.remove(guest);
            if (gone != null) {
                LOG.warn("[{}] own key file {} is gone: using the shared key again", guest, file);
            }
            return shared.get();
        } catch (IOException e) {
            return unusable(guest, "key file " + file + " cannot be read: " + e.getMessage());
        }
        Own before = own.get(guest);
        if (before != null && before.stamp().equals(stamp)) {
            return before.key();
        }
        try {
            AuthKey fresh = AuthKey.load(file);
            own.put(guest, new Own(stamp, fresh));
            if (before == null) {
                LOG.info("[{}] using its own key {} (sha256:{})", guest, file, fresh.fingerprint());
            } else if (!before.key().fingerprint().equals(fresh.fingerprint())) {
                LOG.warn("[{}] key file {} changed: now sha256:{} (was sha256:{}); the guest keeps an old key cached "
                        + "for up to 60 s", guest, file, fresh.fingerprint(), before.key().fingerprint());
            }
            return fresh;
        } catch (KeyFileException e) {
            return unusable(guest, e.getMessage());
        }
    }

    private AuthKey unusable(String guest, String problem) {
        Own before = own.get(guest);
        if (before != null) {
            LOG.error("[{}] {}; still using its key loaded before (sha256:{})", guest, problem,
                    before.key().fingerprint());
            return before.key();
        }
        LOG.error("[{}] {}; its connection cannot start until the file holds a key (or is removed, for the shared "
                + "key)", guest, problem);
        return null;
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "an unreadable target";
        }
    }

    /** An own key and the state of its file when it was read. */
    private record Own(Stamp stamp, AuthKey key) {
    }

    /** What tells a file's new content from its old: modification time, size and identity (a rename changes it). */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static Stamp of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        }
    }
}
