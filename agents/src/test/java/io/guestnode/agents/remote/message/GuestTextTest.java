package io.guestnode.agents.remote.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuestTextTest {

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shortStringsPassUnchanged() {
        String fits = "ä".repeat(2048);
        assertEquals(4096, utf8(fits));
        assertSame(fits, GuestText.cut(fits));
        assertEquals("", GuestText.cut(""));
    }

    @Test
    void longStringsAreCutOnACharacterBoundaryWithAMarker() {
        for (String unit : List.of("x", "ä", "€", "😀", "a€😀")) {
            String s = unit.repeat(5000);
            String cut = GuestText.cut(s);
            assertTrue(utf8(cut) <= GuestText.MAX_BYTES, unit + ": " + utf8(cut) + " bytes");
            assertTrue(utf8(cut) > GuestText.MAX_BYTES - 8, unit + ": cut too short, " + utf8(cut));
            String marker = "... [cut, " + utf8(s) + " bytes]";
            assertTrue(cut.endsWith(marker), cut.substring(cut.length() - 40));
            String head = cut.substring(0, cut.length() - marker.length());
            assertTrue(s.startsWith(head), unit);
            assertFalse(Character.isHighSurrogate(head.charAt(head.length() - 1)), "cut inside a surrogate pair");
        }
    }

    @Test
    void logFormEscapesNewlinesAndControlCharacters() {
        assertEquals("a\\nb\\r\\tc\\u001b[31m\\u0000d\\u2028", GuestText.forLog("a\nb\r\tc\u001b[31m\u0000d\u2028"));
        String plain = "nothing to escape: é ✓";
        assertSame(plain, GuestText.forLog(plain));
        assertEquals("null", GuestText.forLog(null));
    }

    @Test
    void everyNameAndValueOfAMessageIsCut() {
        String big = "v".repeat(10_000);
        LinkedHashMap<String, String> attrs = new LinkedHashMap<>();
        attrs.put("lrmd_rsc_output", big);
        attrs.put("k".repeat(5000), "small");
        XmlElement child = XmlElement.builder("attributes").attr("p", big).build();
        XmlElement x = new XmlElement("lrmd_notify", attrs, List.of(child));
        XmlElement cut = GuestText.cutAll(x);
        assertEquals(GuestText.cut(big), cut.attr("lrmd_rsc_output"));
        assertEquals(GuestText.cut(big), cut.child("attributes").orElseThrow().attr("p"));
        assertTrue(cut.attributes().keySet().stream().allMatch(k -> utf8(k) <= GuestText.MAX_BYTES));
        XmlElement small = XmlElement.builder("lrmd_reply").attr("lrmd_rc", 0).build();
        assertSame(small, GuestText.cutAll(small));
    }
}
