package io.guestnode.operator.definitions;

import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a definitions file into elements that remember their line. Uses the StAX factory of
 * jackson-dataformat-xml (Woodstox) with DTDs and external entities disabled.
 */
public final class XmlTree {
    /** Files larger than this are refused: a definitions file is kilobytes. */
    public static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
    private static final int MAX_DEPTH = 64;
    /**
     * Most elements in one file: a thousand guest nodes with their services take about 30,000. Each costs
     * some 500 bytes of heap once read, so a file of 16 MiB of {@code <a/>} would otherwise take 2 GiB and
     * seconds of CPU.
     */
    public static final int MAX_ELEMENTS = 100_000;
    /** Most attributes in one file, counted over all its elements. */
    public static final int MAX_ATTRIBUTES = 400_000;

    private final XMLInputFactory factory;

    public XmlTree() {
        XMLInputFactory f = new XmlMapper().getFactory().getXMLInputFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        this.factory = f;
    }

    /** An element with its attributes in order, its child elements, its text, and where it starts. */
    public record Element(String name, SequencedMap<String, String> attributes, List<Element> children,
                          String text, SourceLocation at) {
        public Element {
            attributes = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(attributes));
            children = List.copyOf(children);
        }

        public String attr(String key) {
            return attributes.get(key);
        }

        public Optional<String> optAttr(String key) {
            return Optional.ofNullable(attributes.get(key));
        }

        public List<Element> children(String childName) {
            return children.stream().filter(c -> c.name.equals(childName)).toList();
        }

        public Optional<Element> child(String childName) {
            return children.stream().filter(c -> c.name.equals(childName)).findFirst();
        }

        /** {@code <primitive id="x">} for messages. */
        public String describe() {
            String id = attributes.get("id");
            return "<" + name + (id != null ? " id=\"" + id + "\"" : "") + ">";
        }
    }

    /** Thrown when a file cannot be read or is not well-formed XML; the message starts with file:line. */
    public static final class ParseException extends Exception {
        private final SourceLocation at;

        ParseException(SourceLocation at, String message) {
            super(message);
            this.at = at;
        }

        public SourceLocation at() {
            return at;
        }
    }

    public Element parse(Path file) throws ParseException {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ParseException(new SourceLocation(file, 0), "file of " + size
                        + " bytes is larger than the " + MAX_FILE_BYTES + " bytes accepted");
            }
        } catch (IOException e) {
            throw new ParseException(new SourceLocation(file, 0), "cannot read: " + reason(e));
        }
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader r = factory.createXMLStreamReader(in);
            try {
                return read(r, file);
            } finally {
                r.close();
            }
        } catch (IOException e) {
            throw new ParseException(new SourceLocation(file, 0), "cannot read: " + reason(e));
        } catch (XMLStreamException e) {
            throw malformed(file, e);
        } catch (RuntimeException e) {
            // Woodstox reports some errors (a bad character reference in text, for one) only when the
            // text is read, wrapped in an unchecked exception.
            if (e.getCause() instanceof XMLStreamException x) {
                throw malformed(file, x);
            }
            throw e;
        }
    }

    /** The parser's complaint as {@code file:line: not well-formed XML: first line of its message}. */
    private static ParseException malformed(Path file, XMLStreamException e) {
        int line = e.getLocation() != null ? e.getLocation().getLineNumber() : 0;
        String msg = e.getMessage() == null ? "malformed XML" : e.getMessage();
        int cut = msg.indexOf("\n");
        String firstLine = msg.startsWith("ParseError at") && cut > 0 ? msg.substring(cut + 1) : msg;
        int nl = firstLine.indexOf('\n');
        return new ParseException(new SourceLocation(file, Math.max(line, 0)), "not well-formed XML: "
                + (nl > 0 ? firstLine.substring(0, nl) : firstLine).trim());
    }

    private static Element read(XMLStreamReader r, Path file) throws XMLStreamException, ParseException {
        Deque<Pending> stack = new ArrayDeque<>();
        Element root = null;
        int elements = 0;
        int attributes = 0;
        while (r.hasNext()) {
            int ev = r.next();
            switch (ev) {
                case XMLStreamConstants.START_ELEMENT -> {
                    SourceLocation at = new SourceLocation(file, r.getLocation().getLineNumber());
                    if (stack.size() >= MAX_DEPTH) {
                        throw new ParseException(at, "elements nested deeper than " + MAX_DEPTH);
                    }
                    if (++elements > MAX_ELEMENTS) {
                        throw new ParseException(at, "more than " + MAX_ELEMENTS + " elements in one file");
                    }
                    attributes += r.getAttributeCount();
                    if (attributes > MAX_ATTRIBUTES) {
                        throw new ParseException(at, "more than " + MAX_ATTRIBUTES + " attributes in one file");
                    }
                    LinkedHashMap<String, String> attrs = new LinkedHashMap<>();
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        attrs.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
                    }
                    stack.push(new Pending(r.getLocalName(), attrs, new ArrayList<>(), new StringBuilder(), at));
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    Pending p = stack.pop();
                    Element done = new Element(p.name, p.attrs, p.children, p.text.toString().trim(), p.at);
                    if (stack.isEmpty()) {
                        root = done;
                    } else {
                        stack.peek().children.add(done);
                    }
                }
                case XMLStreamConstants.DTD -> throw new ParseException(
                        new SourceLocation(file, r.getLocation().getLineNumber()), "DTDs are not accepted");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new ParseException(
                        new SourceLocation(file, r.getLocation().getLineNumber()),
                        "entity reference &" + r.getLocalName() + "; is not accepted");
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (!stack.isEmpty()) {
                        stack.peek().text.append(r.getText());
                    }
                }
                default -> {
                    // comments and processing instructions carry nothing
                }
            }
        }
        if (root == null) {
            throw new ParseException(new SourceLocation(file, 0), "no root element");
        }
        return root;
    }

    private static String reason(IOException e) {
        String name = e.getClass().getSimpleName();
        return switch (name) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? name : e.getMessage();
        };
    }

    private record Pending(String name, LinkedHashMap<String, String> attrs, List<Element> children, StringBuilder text,
                           SourceLocation at) {
    }
}
