package io.guestnode.operator.definitions;

import com.fasterxml.jackson.annotation.JsonIgnoreType;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A short fingerprint of what definitions declare (SHA-256 of a canonical form: maps and sets in sorted order, the
 * file and line each element came from left out), so that hosts can tell whether they act on the same definitions.
 * Every host reads the same definitions under its own name: the host's name and the node list (which leaves out the
 * reading host) are not counted; what the resources, groups and constraints declare is. Sets are written sorted.
 */
public final class DefinitionsDigest {
    private DefinitionsDigest() {
    }

    @JsonIgnoreType
    private abstract static class Ignored {
    }

    private static final class SortedSet extends StdSerializer<Set<?>> {
        private final transient ObjectMapper plain;

        @SuppressWarnings({"unchecked", "rawtypes"})
        SortedSet(ObjectMapper plain) {
            super((Class) Set.class);
            this.plain = plain;
        }

        @Override
        public void serialize(Set<?> set, JsonGenerator gen, SerializerProvider p) throws IOException {
            List<String> items = new ArrayList<>();
            for (Object o : set) {
                items.add(plain.writeValueAsString(o));
            }
            items.sort(null);
            gen.writeStartArray();
            for (String i : items) {
                gen.writeRawValue(i);
            }
            gen.writeEndArray();
        }
    }

    /** A value written as its text. */
    private static final class Text<T> extends StdSerializer<T> {
        Text(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider p) throws IOException {
            gen.writeString(value.toString());
        }
    }

    /** An optional written as its value, or null. */
    private static final class OptionalValue extends StdSerializer<java.util.Optional<?>> {
        private final transient ObjectMapper plain;

        @SuppressWarnings({"unchecked", "rawtypes"})
        OptionalValue(ObjectMapper plain) {
            super((Class) java.util.Optional.class);
            this.plain = plain;
        }

        @Override
        public void serialize(java.util.Optional<?> value, JsonGenerator gen, SerializerProvider p)
                throws IOException {
            gen.writeRawValue(value.isPresent() ? plain.writeValueAsString(value.get()) : "null");
        }
    }

    private static final ObjectMapper CANONICAL = canonical();

    private static ObjectMapper canonical() {
        JsonMapper.Builder b = JsonMapper.builder().configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .addMixIn(SourceLocation.class, Ignored.class);
        ObjectMapper inner = b.build();
        SimpleModule sets = new SimpleModule().addSerializer(new SortedSet(inner))
                .addSerializer(new Text<>(java.time.Duration.class))
                .addSerializer(new OptionalValue(inner));
        inner.registerModule(sets);
        return b.addModule(sets).build();
    }

    /** The digest of {@code d}: 16 hex digits. */
    public static String of(Definitions d) {
        // every host reads the same definitions under its own name, and <nodes> lists the others (or nothing)
        Definitions shared = new Definitions("", d.vms(), d.services(), d.groups(), d.locations(), d.orders(),
                java.util.Set.of(), -1, d.colocations(), d.clones());
        try {
            byte[] text = CANONICAL.writeValueAsBytes(shared);
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text);
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("definitions not serializable for their digest: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
