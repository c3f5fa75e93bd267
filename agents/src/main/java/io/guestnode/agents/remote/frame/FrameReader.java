package io.guestnode.agents.remote.frame;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Reads framed messages from a stream: the header, then exactly the payload it announces.
 * Never allocates more than {@link FrameLimits#maxPayloadBytes()} for one message, plain or bzip2.
 */
public final class FrameReader implements AutoCloseable {
    /** What one message costs beyond its body: the inflated payload, then its text (two bytes a char). */
    private static final int TEXT_FACTOR = 3;

    private final InputStream in;
    private final FrameLimits limits;
    private final DecodeBudget budget;
    private int held;

    public FrameReader(InputStream in, FrameLimits limits) {
        this(in, limits, DecodeBudget.unlimited());
    }

    /** A reader whose messages take their decoding memory from {@code budget}, shared with other readers. */
    public FrameReader(InputStream in, FrameLimits limits, DecodeBudget budget) {
        this.in = in;
        this.limits = limits;
        this.budget = budget;
    }

    /**
     * Reads the next message. Its decoding memory is held from the budget until the next call (or {@link #close}),
     * so that what the caller does with the text (parse, handle) counts too.
     *
     * @return the XML text (without its NUL), or {@code null} on a clean end of stream between messages
     * @throws FrameException on a framing violation
     * @throws EOFException   when the stream ends inside a message
     */
    public String read() throws IOException {
        close();
        byte[] raw = new byte[FrameHeader.SIZE];
        int first = readFully(raw, 0, raw.length, true);
        if (first == -1) {
            return null;
        }
        FrameHeader header = FrameHeader.decode(raw, limits.maxPayloadBytes());
        skipFully(header.payloadOffset() - FrameHeader.SIZE);
        long bodySize = header.compressed() ? header.payloadCompressed() : header.payloadUncompressed();
        held = budget.take(bodySize + (long) TEXT_FACTOR * header.payloadUncompressed());
        byte[] body = new byte[(int) bodySize];
        readFully(body, 0, body.length, false);
        byte[] payload = header.compressed() ? decompress(body, (int) header.payloadUncompressed()) : body;
        return toXml(payload);
    }

    /** Gives back the decoding memory of the last message read. */
    @Override
    public void close() {
        budget.give(held);
        held = 0;
    }

    /** Decodes a payload (XML + NUL) to text, checking the terminator. */
    static String toXml(byte[] payload) throws FrameException {
        int last = payload.length - 1;
        if (payload[last] != 0) {
            throw new FrameException("payload of " + payload.length + " bytes does not end in NUL");
        }
        int end = 0;
        while (end < last && payload[end] != 0) {
            end++;
        }
        return new String(payload, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Inflates a bzip2 body that must yield exactly {@code expected} bytes; stops reading one byte past
     * it, so a bzip2 bomb costs at most {@code expected + 1} bytes of output.
     */
    static byte[] decompress(byte[] body, int expected) throws FrameException {
        byte[] out = new byte[expected];
        try (InputStream z = new BZip2CompressorInputStream(new ByteArrayInputStream(body))) {
            int n = 0;
            while (n < expected) {
                int r = z.read(out, n, expected - n);
                if (r < 0) {
                    throw new FrameException("bzip2 body inflates to " + n + " bytes, header announced " + expected);
                }
                n += r;
            }
            if (z.read() != -1) {
                throw new FrameException("bzip2 body inflates to more than the " + expected + " bytes announced");
            }
        } catch (FrameException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FrameException("corrupt bzip2 body: " + e.getMessage(), e);
        }
        return out;
    }

    private int readFully(byte[] buf, int off, int len, boolean eofAllowedAtStart) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(buf, off + n, len - n);
            if (r < 0) {
                if (n == 0 && eofAllowedAtStart) {
                    return -1;
                }
                throw new EOFException("stream ended inside a message (" + n + " of " + len + " bytes)");
            }
            n += r;
        }
        return n;
    }

    private void skipFully(long count) throws IOException {
        byte[] scratch = new byte[(int) Math.min(count, 4096)];
        long left = count;
        while (left > 0) {
            int chunk = (int) Math.min(left, scratch.length);
            readFully(scratch, 0, chunk, false);
            left -= chunk;
        }
    }
}
