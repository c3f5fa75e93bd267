package io.guestnode.operator.definitions;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.guestnode.agents.testing.DecodeBounds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * A definitions file from the administrator: whatever its bytes, loading it ends in definitions or in
 * problems naming the file (and the line, where there is one), never in an exception, within 1 s of CPU
 * and 16 MiB of allocation.
 * {@code @D@} in the input stands for a directory holding well-formed domain configs {@code guest1.xml} to
 * {@code guest3.xml}, so that inputs reach the checks past the domain XML. Kept inputs (seeds and every
 * finding) live in {@code DefinitionsFuzzTestInputs/definitionsFile/} and run in every build.
 */
class DefinitionsFuzzTest {
    static final DecodeBounds BOUNDS = DecodeBounds.of(List.of());

    @TempDir
    Path dir;

    @FuzzTest(maxDuration = "5s")
    void definitionsFile(byte[] input) throws IOException {
        Path domains = domains();
        Path file = dir.resolve("guests.xml");
        String bytes = new String(input, StandardCharsets.ISO_8859_1).replace("@D@", domains.toString());
        Files.write(file, bytes.getBytes(StandardCharsets.ISO_8859_1));
        BOUNDS.check("loading the definitions", () -> {
            DefinitionsLoader.Result r = new DefinitionsLoader("host1").load(List.of(file));
            for (Problem p : r.problems()) {
                assertTrue(file.equals(p.at().file()) && p.message() != null && !p.message().isBlank(),
                        "a problem that does not name the file, or says nothing: " + p);
            }
        });
    }

    private Path domains() throws IOException {
        Path d = dir.resolve("domains");
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d);
            for (String g : List.of("guest1", "guest2", "guest3")) {
                Files.writeString(d.resolve(g + ".xml"), "<domain type='lxc'>\n  <name>" + g
                        + "</name>\n  <memory unit='MiB'>128</memory>\n</domain>\n");
            }
        }
        return d;
    }
}
