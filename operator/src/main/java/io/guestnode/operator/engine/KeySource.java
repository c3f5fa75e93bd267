package io.guestnode.operator.engine;

import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.KeyFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pacemaker Remote key, read again when its file changes (key rotation): each connection start asks for
 * it. An unreadable new file keeps the key in use and says so; key bytes are never logged.
 */
public final class KeySource implements Supplier<AuthKey> {
    private static final Logger LOG = LoggerFactory.getLogger(KeySource.class);

    private final Path path;
    private AuthKey key;
    private FileTime loadedAt;

    public KeySource(AuthKey initial) {
        this.path = initial.path();
        this.key = initial;
        this.loadedAt = mtime();
    }

    @Override
    public synchronized AuthKey get() {
        FileTime now = mtime();
        if (now != null && !now.equals(loadedAt)) {
            try {
                AuthKey fresh = AuthKey.load(path);
                if (!fresh.fingerprint().equals(key.fingerprint())) {
                    LOG.warn("key file {} changed: now sha256:{} (was sha256:{}); guests keep an old key cached "
                            + "for up to 60 s", path, fresh.fingerprint(), key.fingerprint());
                }
                key = fresh;
                loadedAt = now;
            } catch (KeyFileException e) {
                LOG.error("{}; still using the key loaded before (sha256:{})", e.getMessage(), key.fingerprint());
            }
        }
        return key;
    }

    private FileTime mtime() {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return null;
        }
    }
}
