package io.guestnode.operator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.testing.RemotedSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class GuestKeysTest {
    @TempDir
    Path dir;

    private final AuthKey shared = AuthKey.ofBytes("shared key", RemotedSandbox.newKey());
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private GuestKeys keys;
    private Path keysDir;

    @BeforeEach
    void setUp() {
        keysDir = dir.resolve("keys");
        keys = new GuestKeys(() -> shared, keysDir);
        log.start();
        ((Logger) LoggerFactory.getLogger(GuestKeys.class)).addAppender(log);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(GuestKeys.class)).detachAppender(log);
    }

    private Path keyFile(String guest, byte[] bytes) throws Exception {
        Path d = Files.createDirectories(keysDir.resolve(guest));
        return Files.write(d.resolve("authkey"), bytes);
    }

    private List<String> messages() {
        return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aGuestWithItsOwnKeyFileGetsThatKeyAndTheLogShowsItsFingerprintOnly() throws Exception {
        byte[] own = RemotedSandbox.newKey();
        Path file = keyFile("guest1", own);

        AuthKey k = keys.forGuest("guest1");

        assertEquals(file, k.path());
        assertEquals(AuthKey.ofBytes("x", own).fingerprint(), k.fingerprint());
        assertFalse(k.fingerprint().equals(shared.fingerprint()));
        assertEquals(List.of("INFO [guest1] using its own key " + file + " (sha256:" + k.fingerprint() + ")"),
                messages());
        String hex = HexFormat.of().formatHex(own, 0, 8);
        assertTrue(messages().stream().noneMatch(m -> m.contains(hex)), "key bytes in the log");
        assertSame(k, keys.forGuest("guest1"), "an unchanged file is not read again");
        assertEquals(1, messages().size(), "an unchanged key is logged once");
    }

    @Test
    void withoutItsOwnFileAGuestGetsTheSharedKey() throws Exception {
        assertSame(shared, keys.forGuest("guest1"), "no keys directory at all");
        Files.createDirectories(keysDir.resolve("guest1"));
        assertSame(shared, keys.forGuest("guest1"), "its directory without authkey");
        keyFile("guest2", RemotedSandbox.newKey());
        assertSame(shared, keys.forGuest("guest1"), "another guest's key is not this guest's");
        assertSame(shared, keys.get());
        assertEquals(List.of(), messages());
    }

    @Test
    void anEmptyOwnKeyFileGivesNoKeyAndAnErrorNamingTheFileWhileOtherGuestsGoOn() throws Exception {
        Path empty = keyFile("guest1", new byte[0]);
        byte[] own2 = RemotedSandbox.newKey();
        keyFile("guest2", own2);

        assertNull(keys.forGuest("guest1"));
        assertEquals(AuthKey.ofBytes("x", own2).fingerprint(), keys.forGuest("guest2").fingerprint());
        assertSame(shared, keys.forGuest("guest3"));
        assertTrue(messages().getFirst().startsWith("ERROR [guest1] key file " + empty + " is empty"),
                messages().toString());
    }

    @Test
    void anUnreadableOwnKeyFileGivesNoKeyAndAnErrorNamingTheFile() throws Exception {
        Path asDirectory = Files.createDirectories(keysDir.resolve("guest1").resolve("authkey"));
        Files.createDirectories(keysDir.resolve("guest2"));
        Path dangling = Files.createSymbolicLink(keysDir.resolve("guest2").resolve("authkey"), dir.resolve("missing"));

        assertNull(keys.forGuest("guest1"));
        assertNull(keys.forGuest("guest2"), "a link to nothing is a broken key file, not an absent one");

        assertTrue(messages().get(0).startsWith("ERROR [guest1] key file " + asDirectory + " is a directory"),
                messages().toString());
        assertTrue(messages().get(1).startsWith("ERROR [guest2] key file " + dangling + " "), messages().toString());
        assertTrue(messages().get(1).contains(dir.resolve("missing").toString()), messages().toString());
    }

    @Test
    void aChangedKeyFileIsReadAgainAndAnUnusableChangeKeepsTheKeyReadBefore() throws Exception {
        Path file = keyFile("guest1", RemotedSandbox.newKey());
        AuthKey first = keys.forGuest("guest1");

        // rotated the safe way: a new file renamed over the old one
        byte[] second = RemotedSandbox.newKey();
        Path tmp = Files.write(file.resolveSibling("authkey.new"), second);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AuthKey rotated = keys.forGuest("guest1");
        assertEquals(AuthKey.ofBytes("x", second).fingerprint(), rotated.fingerprint());
        assertTrue(messages().get(1).startsWith("WARN [guest1] key file " + file + " changed: now sha256:"
                + rotated.fingerprint() + " (was sha256:" + first.fingerprint() + ")"), messages().toString());

        // rewritten in place, same size, within the same clock tick as far as the file system tells
        byte[] third = RemotedSandbox.newKey();
        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, third);
        Files.setLastModifiedTime(file, FileTime.from(before.toInstant().plusSeconds(1)));
        assertEquals(AuthKey.ofBytes("x", third).fingerprint(), keys.forGuest("guest1").fingerprint());

        // truncated (a rotation caught half way): the key read before stays
        Files.write(file, new byte[0]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(AuthKey.ofBytes("x", third).fingerprint(), keys.forGuest("guest1").fingerprint());
        assertTrue(messages().getLast().startsWith("ERROR [guest1] key file " + file + " is empty; still using"),
                messages().toString());

        // removed: the shared key again
        Files.delete(file);
        assertSame(shared, keys.forGuest("guest1"));
        assertTrue(messages().getLast().contains("is gone: using the shared key"), messages().toString());
    }

    @Test
    void aGuestNameThatIsNoDirectoryNameNeverLeavesTheKeysDirectory() throws Exception {
        Files.createDirectories(keysDir);
        Files.write(dir.resolve("authkey"), RemotedSandbox.newKey());
        assertSame(shared, keys.forGuest(".."));
        assertSame(shared, keys.forGuest("a/../.."));
        assertTrue(keys.fileOf("..").isEmpty());
        assertEquals(keysDir.resolve("guest1").resolve("authkey"), keys.fileOf("guest1").orElseThrow());
    }

    @Test
    void aConnectionWithOnlyTheSharedKeyUsesIt() throws Exception {
        keyFile("guest1", RemotedSandbox.newKey());
        assertSame(shared, GuestKeys.forConnection(() -> shared, "guest1"));
        assertEquals(keysDir.resolve("guest1").resolve("authkey"), GuestKeys.forConnection(keys, "guest1").path());
    }
}
