package io.guestnode.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manual pages and the bash completion the package installs, generated from the CLI's own model. */
class ManPagesTest {
    @Test
    void aPageForGuestnodeAndForEveryVerbWithItsOptionsAndExitCodes(@TempDir Path dir) throws Exception {
        Map<String, String> pages = ManPages.write(dir);
        assertEquals(ExitCodesTest.VERBS.size() + 1, pages.size(), pages.keySet().toString());
        for (String verb : ExitCodesTest.VERBS) {
            String page = Files.readString(dir.resolve("man1/guestnode-" + verb + ".1"));
            assertTrue(page.startsWith(".TH GUESTNODE-" + verb.toUpperCase(java.util.Locale.ROOT) + " 1 "), page);
            for (String section : new String[] {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH EXIT STATUS"}) {
                assertTrue(page.contains("\n" + section + "\n"), verb + " has " + section);
            }
            assertTrue(page.contains(".B 64\nbad command line\n"), verb + " lists exit code 64");
            assertFalse(page.lines().anyMatch(l -> l.startsWith(".") && !l.matches("^\\.(TH|SH|TP|B|I) .*|^\\.(TP|SH)$")),
                    verb + ": a text line taken for a troff request");
        }
        String top = Files.readString(dir.resolve("man1/guestnode.1"));
        assertTrue(top.contains(".B 105\nno such resource, guest node or host\n"), "the whole table in guestnode(1)");
        assertTrue(top.contains(".SH VERBS\n"), top);
        String move = Files.readString(dir.resolve("man1/guestnode-move.1"));
        assertTrue(move.contains(".B \\-\\-wait \\fIDURATION\\fR"), move);
        String completion = Files.readString(dir.resolve("bash-completion/guestnode"));
        assertTrue(completion.contains("complete -F _complete_guestnode"), "a bash completion function");
        for (String verb : ExitCodesTest.VERBS) {
            assertTrue(completion.contains(verb), verb + " completes");
        }
    }
}
