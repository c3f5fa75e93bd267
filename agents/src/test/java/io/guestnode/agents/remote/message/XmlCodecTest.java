package io.guestnode.agents.remote.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XmlCodecTest {

    @Test
    void attributeOrderAndEscapingSurviveARoundTrip() throws Exception {
        XmlElement e = XmlElement.builder("a").attr("z", "1").attr("b", "<&>\"\t\r\n").child(
                XmlElement.builder("c").build()).build();
        String text = XmlCodec.write(e);
        assertEquals("<a z=\"1\" b=\"&lt;&amp;&gt;&quot;&#9;&#13;&#10;\"><c/></a>", text);
        XmlElement back = XmlCodec.parse(text);
        assertEquals(e, back);
    }

    @Test
    void externalEntitiesAndDtdsAreRefused(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "TOPSECRET");
        String xxe = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file://" + secret + "\">]><x a=\"&e;\"/>";
        MessageException ex = assertThrows(MessageException.class, () -> XmlCodec.parse(xxe));
        assertFalse(ex.getMessage().contains("TOPSECRET"));
        String billion = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><x v=\"&b;\"/>";
        assertThrows(MessageException.class, () -> XmlCodec.parse(billion));
    }

    @Test
    void depthAndGarbageAreBounded() {
        String deep = "<a>".repeat(XmlCodec.MAX_DEPTH + 1) + "</a>".repeat(XmlCodec.MAX_DEPTH + 1);
        assertTrue(assertThrows(MessageException.class, () -> XmlCodec.parse(deep)).getMessage().contains("nesting"));
        assertThrows(MessageException.class, () -> XmlCodec.parse("not xml at all"));
        assertThrows(MessageException.class, () -> XmlCodec.parse("<a><b></a>"));
        assertThrows(MessageException.class, () -> XmlCodec.parse(""));
    }

    /**
     * A frame of many small elements or attributes would grow the heap many times its own size once parsed
     * (about 1 KiB per element): both are counted, and refused past their caps, which real messages stay
     * far below.
     */
    @Test
    void elementsAndAttributesAreCountedPerMessage() throws MessageException {
        String wide = "<r>" + "<a/>".repeat(XmlCodec.MAX_ELEMENTS - 1) + "</r>";
        assertEquals(XmlCodec.MAX_ELEMENTS - 1, XmlCodec.parse(wide).children().size());
        String wider = "<r>" + "<a/>".repeat(XmlCodec.MAX_ELEMENTS) + "</r>";
        assertTrue(assertThrows(MessageException.class, () -> XmlCodec.parse(wider)).getMessage()
                .contains("more than " + XmlCodec.MAX_ELEMENTS + " elements"));

        String eight = "<p a=\"\" b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\" h=\"\"/>";
        String params = "<attributes>" + eight.repeat(XmlCodec.MAX_ATTRIBUTES / 8) + "</attributes>";
        assertEquals(XmlCodec.MAX_ATTRIBUTES / 8, XmlCodec.parse(params).children().size());
        String more = "<attributes>" + eight.repeat(XmlCodec.MAX_ATTRIBUTES / 8 + 1) + "</attributes>";
        assertTrue(assertThrows(MessageException.class, () -> XmlCodec.parse(more)).getMessage()
                .contains("more than " + XmlCodec.MAX_ATTRIBUTES + " attributes"));
    }

    @Test
    void xmlNames() {
        assertTrue(XmlCodec.isValidName("CRM_meta_timeout"));
        assertTrue(XmlCodec.isValidName("a-b.c"));
        assertFalse(XmlCodec.isValidName("1abc"));
        assertFalse(XmlCodec.isValidName("a b"));
        assertFalse(XmlCodec.isValidName(""));
    }
}
