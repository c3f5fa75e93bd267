package io.guestnode.operator.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.operator.planner.Observed.Failure;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest node's history as the host running it publishes it ({@code history/<guest>}): the failures of the services
 * in it, so that the host taking it over keeps their fail counts. Read strictly: another host's bytes are outside
 * input, so a record that is too large, malformed or out of range is refused whole, naming the field.
 */
public final class GuestHistory {
    /** The largest history read or written. */
    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_ENTRIES = 256;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private GuestHistory() {
    }

    /** One service's failure in the guest. */
    record Entry(String service, long count, String op, long intervalMs, int rc, String status, String reason,
                 String onFail, String last) {
    }

    static byte[] encode(Map<String, Failure> failures) {
        List<Entry> out = new TreeMap<>(failures).entrySet().stream().limit(MAX_ENTRIES).map(e -> {
            Failure f = e.getValue();
            return new Entry(e.getKey(), f.count(), f.op(), f.intervalMs(), f.rc(), f.status(),
                    cut(f.reason()), f.onFail(), f.last().toString());
        }).toList();
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("history not written: " + e.getMessage(), e);
        }
    }

    private static String cut(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /**
     * The failures in {@code bytes}, by service.
     *
     * @throws IllegalArgumentException naming {@code where} and the field at fault
     */
    static Map<String, Failure> decode(String where, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(where + ": " + bytes.length + " bytes, more than a history ("
                    + MAX_BYTES + ")");
        }
        Entry[] entries;
        try {
            entries = JSON.readValue(bytes, Entry[].class);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not a guest history: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (entries == null || entries.length > MAX_ENTRIES) {
            throw new IllegalArgumentException(where + ": not a list of at most " + MAX_ENTRIES + " failures");
        }
        Map<String, Failure> out = new TreeMap<>();
        for (int i = 0; i < entries.length; i++) {
            Entry e = entries[i];
            String at = where + " [" + i + "]";
            if (e == null || e.service() == null || !e.service().matches("[A-Za-z0-9_.:-]{1,128}")) {
                throw new IllegalArgumentException(at + ".service: not a resource id");
            }
            if (e.count() < 1 || e.count() > 1_000_000) {
                throw new IllegalArgumentException(at + ".count " + e.count() + ": not 1 to 1000000");
            }
            if (e.intervalMs() < 0 || e.op() == null || e.onFail() == null || e.last() == null) {
                throw new IllegalArgumentException(at + ": op, onFail, last and a non-negative intervalMs are needed");
            }
            Instant last;
            try {
                last = Instant.parse(e.last());
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException(at + ".last '" + e.last() + "': not an instant", ex);
            }
            out.put(e.service(), new Failure(e.count(), e.op(), e.intervalMs(), e.rc(), e.status(), e.reason(),
                    e.onFail(), last));
        }
        return out;
    }
}
