package io.guestnode.agents.remote.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthKeyTest {

    @Test
    void wholeFileIsTheKeyByteForByte(@TempDir Path dir) throws Exception {
        byte[] raw = {1, 2, 3, '\n', 0, (byte) 0xff};
        Path f = dir.resolve("authkey");
        Files.write(f, raw);
        AuthKey k = AuthKey.load(f);
        assertArrayEquals(raw, k.secretCopy(), "not trimmed, not decoded");
        assertEquals(6, k.length());
    }

    @Test
    void toStringNeverShowsKeyBytes(@TempDir Path dir) throws Exception {
        byte[] raw = "SUPERSECRETKEYMATERIAL".getBytes();
        Path f = dir.resolve("authkey");
        Files.write(f, raw);
        String s = AuthKey.load(f).toString();
        assertFalse(s.contains("SUPERSECRET"), s);
        assertFalse(s.toLowerCase().contains(HexFormat.of().formatHex(raw).substring(0, 12)), s);
        assertTrue(s.contains(f.toString()));
    }

    @Test
    void missingEmptyAndDirectoryNameThePath(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        assertTrue(assertThrows(KeyFileException.class, () -> AuthKey.load(missing)).getMessage()
                .contains(missing + " does not exist"));
        Path empty = Files.createFile(dir.resolve("empty"));
        assertTrue(assertThrows(KeyFileException.class, () -> AuthKey.load(empty)).getMessage()
                .contains(empty + " is empty"));
        assertTrue(assertThrows(KeyFileException.class, () -> AuthKey.load(dir)).getMessage()
                .contains("is a directory"));
    }

    @Test
    void explicitLocationWinsAndIsStrict(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("k");
        Files.write(f, new byte[] {9});
        assertEquals(f, AuthKey.locate(Map.of(AuthKey.ENV_LOCATION, f.toString())).path());
        Path gone = dir.resolve("gone");
        assertThrows(KeyFileException.class, () -> AuthKey.locate(Map.of(AuthKey.ENV_LOCATION, gone.toString())));
    }

    @Test
    void fingerprintsTellKeysApart() {
        AuthKey a = AuthKey.ofBytes("a", new byte[] {1});
        AuthKey b = AuthKey.ofBytes("b", new byte[] {2});
        assertEquals(16, a.fingerprint().length());
        assertFalse(a.fingerprint().equals(b.fingerprint()));
    }
}
