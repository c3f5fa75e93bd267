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

    @Test
    void xmlNames() {
        assertTrue(XmlCodec.isValidName("CRM_meta_timeout"));
        assertTrue(XmlCodec.isValidName("a-b.c"));
        assertFalse(XmlCodec.isValidName("1abc"));
        assertFalse(XmlCodec.isValidName("a b"));
        assertFalse(XmlCodec.isValidName(""));
    }
}
