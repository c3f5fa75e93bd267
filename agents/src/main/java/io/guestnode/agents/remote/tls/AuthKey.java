package io.guestnode.agents.remote.tls;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared Pacemaker Remote key: the whole key file, byte for byte, is the pre-shared key.
 * The bytes never appear in {@link #toString()}, logs or messages; a short SHA-256 fingerprint
 * identifies a key instead.
 */
public final class AuthKey {
    private static final Logger LOG = LoggerFactory.getLogger(AuthKey.class);

    public static final String ENV_LOCATION = "PCMK_authkey_location";
    public static final Path DEFAULT_LOCATION = Path.of("/etc/pacemaker/authkey");
    public static final Path ALT_LOCATION = Path.of("/etc/corosync/authkey");

    private final Path path;
    private final byte[] bytes;
    private final String fingerprint;

    private AuthKey(Path path, byte[] bytes) {
        this.path = path;
        this.bytes = bytes;
        this.fingerprint = fingerprint(bytes);
    }

    /** A key held in memory (tests, generated keys); {@code origin} names it in messages. */
    public static AuthKey ofBytes(String origin, byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty key from " + origin);
        }
        return new AuthKey(Path.of(origin), bytes.clone());
    }

    /**
     * Finds the key as Pacemaker does: {@code PCMK_authkey_location}, then {@code /etc/pacemaker/authkey},
     * then {@code /etc/corosync/authkey}. Stricter than Pacemaker: an explicitly configured location that
     * cannot be read is an error, not a silent fallback.
     */
    public static AuthKey locate(Map<String, String> env) throws KeyFileException {
        String configured = env.get(ENV_LOCATION);
        if (configured != null && !configured.isBlank()) {
            return load(Path.of(configured));
        }
        for (Path candidate : List.of(DEFAULT_LOCATION, ALT_LOCATION)) {
            if (Files.exists(candidate)) {
                return load(candidate);
            }
        }
        throw new KeyFileException("no Pacemaker Remote key: neither " + DEFAULT_LOCATION + " nor " + ALT_LOCATION
                + " exists (set " + ENV_LOCATION + " or pass --key)");
    }

    /** Loads the key at {@code path}, or fails with a message naming the path. */
    public static AuthKey load(Path path) throws KeyFileException {
        byte[] data;
        try {
            if (Files.isDirectory(path)) {
                throw new KeyFileException("key file " + path + " is a directory");
            }
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("key file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new KeyFileException("key file " + path + " is not readable (permission denied)");
        } catch (IOException e) {
            throw new KeyFileException("key file " + path + " cannot be read: " + e.getMessage());
        }
        if (data.length == 0) {
            throw new KeyFileException("key file " + path + " is empty");
        }
        warnIfReadableByOthers(path);
        return new AuthKey(path, data);
    }

    private static void warnIfReadableByOthers(Path path) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("key file {} is readable by every user; restrict it (chmod 0640, owner root:haclient)", path);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot read permissions of {}: {}", path, e.toString());
        }
    }

    public Path path() {
        return path;
    }

    public int length() {
        return bytes.length;
    }

    /** First 16 hex digits of the key's SHA-256: tells two keys apart without revealing either. */
    public String fingerprint() {
        return fingerprint;
    }

    /** A copy of the key bytes, for the TLS layer only. */
    byte[] secretCopy() {
        return bytes.clone();
    }

    private static String fingerprint(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "AuthKey[" + path + ", " + bytes.length + " bytes, sha256:" + fingerprint + "]";
    }
}
