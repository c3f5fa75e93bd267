package io.guestnode.operator.alerts;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Pacemaker's {@code timestamp-format}: strftime's fields and its {@code %N} extension (nanoseconds, or with a width
 * as in {@code %06N} their first digits). Fields it does not know stay as written.
 */
final class Timestamps {
    private Timestamps() {
    }

    static String format(String pattern, Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                out.append(c);
                continue;
            }
            int j = i + 1;
            int width = 0;
            while (j < pattern.length() && Character.isDigit(pattern.charAt(j))) {
                width = width * 10 + (pattern.charAt(j) - '0');
                j++;
            }
            if (j >= pattern.length()) {
                out.append(pattern, i, j);
                break;
            }
            char f = pattern.charAt(j);
            String v = switch (f) {
                case 'Y' -> String.format("%04d", t.getYear());
                case 'm' -> String.format("%02d", t.getMonthValue());
                case 'd' -> String.format("%02d", t.getDayOfMonth());
                case 'H' -> String.format("%02d", t.getHour());
                case 'M' -> String.format("%02d", t.getMinute());
                case 'S' -> String.format("%02d", t.getSecond());
                case 's' -> Long.toString(at.getEpochSecond());
                case 'N' -> {
                    String nanos = String.format("%09d", t.getNano());
                    yield width > 0 && width < 9 ? nanos.substring(0, width) : nanos;
                }
                case '%' -> "%";
                default -> null;
            };
            if (v == null) {
                out.append(pattern, i, j + 1);
            } else {
                out.append(v);
            }
            i = j;
        }
        return out.toString();
    }
}
