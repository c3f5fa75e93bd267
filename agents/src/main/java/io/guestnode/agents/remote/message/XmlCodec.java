package io.guestnode.agents.remote.message;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Writes XML the way libxml2's unformatted dump does (no declaration, no whitespace between elements),
 * and parses peer XML with DTDs and external entities off and with bounded depth and element count.
 */
public final class XmlCodec {
    /** Deepest nesting accepted from a peer; real messages are at most 5 levels deep. */
    public static final int MAX_DEPTH = 32;
    /**
     * Most elements accepted in one message. A get_recurring reply for a few hundred resources stays far below;
     * each element costs about 1 KiB of heap once parsed, so a cap near the frame ceiling's own size would let
     * one frame of {@code <a/>} grow the heap 100-fold.
     */
    public static final int MAX_ELEMENTS = 10_000;
    /** Most attributes accepted in one message, counted over all its elements (an exec's parameters included). */
    public static final int MAX_ATTRIBUTES = 20_000;

    private static final XMLInputFactory FACTORY = newFactory();

    private XmlCodec() {
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }

    public static String write(XmlElement e) {
        StringBuilder sb = new StringBuilder(256);
        write(e, sb);
        return sb.toString();
    }

    private static void write(XmlElement e, StringBuilder sb) {
        sb.append('<').append(e.name());
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            sb.append(' ').append(a.getKey()).append("=\"");
            escape(a.getValue(), sb);
            sb.append('"');
        }
        if (e.children().isEmpty()) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        for (XmlElement c : e.children()) {
            write(c, sb);
        }
        sb.append("</").append(e.name()).append('>');
    }

    /** Attribute escaping as libxml2 does it (markup characters plus tab, CR and LF as references). */
    static void escape(String v, StringBuilder sb) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                case '\t' -> sb.append("&#9;");
                default -> sb.append(c);
            }
        }
    }

    /** True when {@code name} can be written as an XML attribute name (ASCII subset, as libxml2 checks). */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        char f = name.charAt(0);
        if (!(Character.isLetter(f) && f < 128) && f != '_' && f != ':') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses one message.
     *
     * @throws MessageException when the text is not well-formed XML, has a DTD, or exceeds the bounds
     */
    public static XmlElement parse(String xml) throws MessageException {
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new StringReader(xml));
            Deque<Pending> stack = new ArrayDeque<>();
            XmlElement root = null;
            Tally tally = new Tally();
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (root != null) {
                            throw new MessageException("content after the root element");
                        }
                        tally.element(r.getAttributeCount());
                        if (stack.size() >= MAX_DEPTH) {
                            throw new MessageException("nesting deeper than " + MAX_DEPTH);
                        }
                        stack.push(open(r));
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Pending p = stack.pop();
                        XmlElement done = new XmlElement(p.name, p.attrs, p.children);
                        if (stack.isEmpty()) {
                            root = done;
                        } else {
                            stack.peek().children.add(done);
                        }
                    }
                    case XMLStreamConstants.DTD -> throw new MessageException("DTDs are not accepted");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new MessageException("entity references are not accepted");
                    default -> {
                        // text, comments, processing instructions: not meaningful in this protocol
                    }
                }
            }
            if (root == null) {
                throw new MessageException("no root element");
            }
            return root;
        } catch (XMLStreamException e) {
            throw new MessageException("malformed XML: " + e.getMessage(), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the string reader
                }
            }
        }
    }

    /** The element the reader stands on, with its attributes, waiting for its children. */
    private static Pending open(XMLStreamReader r) {
        LinkedHashMap<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            attrs.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
        }
        return new Pending(r.getLocalName(), attrs, new ArrayList<>());
    }

    /** What one message has held so far; refuses it past {@link #MAX_ELEMENTS} or {@link #MAX_ATTRIBUTES}. */
    private static final class Tally {
        private int elements;
        private int attributes;

        void element(int attributeCount) throws MessageException {
            if (++elements > MAX_ELEMENTS) {
                throw new MessageException("more than " + MAX_ELEMENTS + " elements");
            }
            attributes += attributeCount;
            if (attributes > MAX_ATTRIBUTES) {
                throw new MessageException("more than " + MAX_ATTRIBUTES + " attributes");
            }
        }
    }

    private record Pending(String name, LinkedHashMap<String, String> attrs, List<XmlElement> children) {
    }
}
