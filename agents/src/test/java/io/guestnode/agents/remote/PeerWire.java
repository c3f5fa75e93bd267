package io.guestnode.agents.remote;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.guestnode.agents.remote.frame.FrameHeader;
import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Shapes fuzzer bytes into what a hostile guest could send. The first choice picks the shape:
 * <ul>
 *   <li>{@code RAW}: the bytes are the stream, headers and all;</li>
 *   <li>{@code HEADER}: a header with a valid magic in either byte order and fuzzed version, flags, sizes
 *       and offset, followed by the bytes;</li>
 *   <li>{@code PLAIN}: the bytes are the XML of one correctly framed message;</li>
 *   <li>{@code BZIP2_BODY}: the bytes are the bzip2 body of a frame announcing a fuzzed inflated size;</li>
 *   <li>{@code AMPLIFIED}: prefix, a chunk repeated up to the frame ceiling, suffix, framed: small inputs
 *       that grow into the largest documents a frame may hold (many elements, attributes, long values),
 *       as a bzip2 body of a few hundred bytes would inflate to.</li>
 * </ul>
 */
final class PeerWire {
    enum Shape { RAW, HEADER, PLAIN, BZIP2_BODY, AMPLIFIED }

    private PeerWire() {
    }

    static byte[] from(FuzzedDataProvider data, FrameLimits limits) {
        Shape shape = data.pickValue(Shape.values());
        return switch (shape) {
            case RAW -> data.consumeRemainingAsBytes();
            case HEADER -> hostileHeader(data);
            case PLAIN -> framed(FrameWriter.payload(data.consumeRemainingAsString()));
            case BZIP2_BODY -> bzip2Body(data, limits);
            case AMPLIFIED -> framed(FrameWriter.payload(amplified(data, limits)));
        };
    }

    private static byte[] hostileHeader(FuzzedDataProvider data) {
        ByteOrder order = data.consumeBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer h = ByteBuffer.allocate(FrameHeader.SIZE).order(order);
        h.putInt(FrameHeader.MAGIC);
        h.putInt(data.consumeInt());
        h.putLong(data.consumeLong());
        h.putLong(data.consumeLong());
        h.putInt(data.consumeInt());
        h.putInt(data.consumeInt());
        h.putInt(data.consumeInt());
        h.putInt(data.consumeInt());
        return concat(h.array(), data.consumeRemainingAsBytes());
    }

    private static byte[] bzip2Body(FuzzedDataProvider data, FrameLimits limits) {
        int inflated = data.consumeInt(1, limits.maxPayloadBytes() + 1);
        byte[] body = data.consumeRemainingAsBytes();
        if (body.length == 0) {
            return FrameHeader.encode(1, inflated, 0);
        }
        return concat(FrameHeader.encode(1, inflated, body.length), body);
    }

    private static String amplified(FuzzedDataProvider data, FrameLimits limits) {
        String prefix = data.consumeString(200);
        String chunk = data.consumeString(64);
        int count = data.consumeInt(0, limits.maxPayloadBytes());
        String suffix = data.consumeRemainingAsString();
        int room = limits.maxPayloadBytes() - 1 - utf8Length(prefix) - utf8Length(suffix);
        int fits = chunk.isEmpty() ? 0 : Math.max(0, room) / utf8Length(chunk);
        return prefix + chunk.repeat(Math.min(count, fits)) + suffix;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] framed(byte[] payload) {
        return concat(FrameHeader.encode(1, payload.length, 0), payload);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
