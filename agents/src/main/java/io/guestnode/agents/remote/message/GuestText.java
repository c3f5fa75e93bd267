package io.guestnode.agents.remote.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text that came from a guest: exit reasons, agent output, any attribute of a notification or reply, error
 * details. A guest may send megabytes of it, with newlines and terminal escapes; the client hands none of it on
 * longer than {@link #MAX_BYTES} of UTF-8, and logs it with control characters escaped.
 */
public final class GuestText {
    /** The most UTF-8 bytes of one guest string the client hands on, marker included. */
    public static final int MAX_BYTES = 4096;

    private GuestText() {
    }

    /**
     * The string itself when it fits in {@link #MAX_BYTES} bytes of UTF-8; otherwise its head, cut on a character
     * boundary, followed by {@code "... [cut, N bytes]"} (N: the whole string's UTF-8 length), all within
     * {@link #MAX_BYTES} bytes.
     */
    public static String cut(String s) {
        if (s == null || s.length() <= MAX_BYTES / 3) {
            return s;
        }
        long total = utf8Length(s);
        if (total <= MAX_BYTES) {
            return s;
        }
        String marker = "... [cut, " + total + " bytes]";
        int room = MAX_BYTES - marker.length();
        int bytes = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int n = utf8Length(cp);
            if (bytes + n > room) {
                break;
            }
            bytes += n;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + marker;
    }

    /** Whether {@link #cut} would change {@code s}. */
    public static boolean tooLong(String s) {
        return s != null && s.length() > MAX_BYTES / 3 && utf8Length(s) > MAX_BYTES;
    }

    /**
     * For a log line: newlines, carriage returns, tabs and every other control character escaped
     * ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}), so a guest cannot forge or split log lines.
     */
    public static String forLog(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb == null) {
                continue;
            }
            if (!control) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** {@code xml} with every element name, attribute name and value {@link #cut}; the same object if none is. */
    public static XmlElement cutAll(XmlElement xml) {
        if (!anyTooLong(xml)) {
            return xml;
        }
        LinkedHashMap<String, String> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : xml.attributes().entrySet()) {
            attrs.put(cut(a.getKey()), cut(a.getValue()));
        }
        List<XmlElement> children = new ArrayList<>(xml.children().size());
        for (XmlElement c : xml.children()) {
            children.add(cutAll(c));
        }
        return new XmlElement(cut(xml.name()), attrs, children);
    }

    private static boolean anyTooLong(XmlElement xml) {
        if (tooLong(xml.name())) {
            return true;
        }
        for (Map.Entry<String, String> a : xml.attributes().entrySet()) {
            if (tooLong(a.getKey()) || tooLong(a.getValue())) {
                return true;
            }
        }
        for (XmlElement c : xml.children()) {
            if (anyTooLong(c)) {
                return true;
            }
        }
        return false;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += utf8Length(cp);
            i += Character.charCount(cp);
        }
        return n;
    }

    /** Bytes of one code point in UTF-8; a lone surrogate counts as the 3 bytes of a replacement character. */
    private static int utf8Length(int cp) {
        if (cp < 0x80) {
            return 1;
        }
        if (cp < 0x800) {
            return 2;
        }
        return cp < 0x10000 ? 3 : 4;
    }
}
