package io.guestnode.agents.remote.frame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 40-byte header that precedes every Pacemaker Remote message ({@code struct remote_header_v0}).
 *
 * @param order               byte order the sender used (detected from the magic)
 * @param version             protocol header version, 1 today; higher values are accepted
 * @param id                  sender's message counter (ignored by receivers)
 * @param flags               unused, 0
 * @param sizeTotal           header plus payload bytes on the wire
 * @param payloadOffset       where the payload starts, 40
 * @param payloadCompressed   0 for a plain payload, else the number of bzip2 bytes
 * @param payloadUncompressed length of the XML including its trailing NUL
 */
public record FrameHeader(ByteOrder order, long version, long id, long flags, long sizeTotal,
                          long payloadOffset, long payloadCompressed, long payloadUncompressed) {

    public static final int SIZE = 40;
    public static final int MAGIC = 0xBADADBBD;
    public static final int VERSION = 1;

    public boolean compressed() {
        return payloadCompressed != 0;
    }

    /** Bytes that follow the 40-byte header on the wire (extra header bytes plus payload). */
    public long bytesAfterHeader() {
        return sizeTotal - SIZE;
    }

    /** Encodes a little-endian header for a payload of the given sizes. */
    public static byte[] encode(long id, int payloadUncompressed, int payloadCompressed) {
        int onWire = payloadCompressed != 0 ? payloadCompressed : payloadUncompressed;
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC);
        b.putInt(VERSION);
        b.putLong(id);
        b.putLong(0L);
        b.putInt(SIZE + onWire);
        b.putInt(SIZE);
        b.putInt(payloadCompressed);
        b.putInt(payloadUncompressed);
        return b.array();
    }

    /**
     * Decodes and validates a header. The byte order comes from the magic; every size is checked
     * against {@code maxPayloadBytes} before anything is allocated for the payload.
     */
    public static FrameHeader decode(byte[] raw, int maxPayloadBytes) throws FrameException {
        if (raw.length < SIZE) {
            throw new FrameException("header has " + raw.length + " bytes, expected " + SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        ByteOrder order;
        if (magic == MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic) == MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new FrameException(String.format("bad magic 0x%08x (expected 0x%08x in either byte order)",
                    magic, MAGIC));
        }
        b.order(order);
        long version = Integer.toUnsignedLong(b.getInt(4));
        long id = b.getLong(8);
        long flags = b.getLong(16);
        long sizeTotal = Integer.toUnsignedLong(b.getInt(24));
        long offset = Integer.toUnsignedLong(b.getInt(28));
        long compressed = Integer.toUnsignedLong(b.getInt(32));
        long uncompressed = Integer.toUnsignedLong(b.getInt(36));
        FrameHeader h = new FrameHeader(order, version, id, flags, sizeTotal, offset, compressed, uncompressed);
        h.validate(maxPayloadBytes);
        return h;
    }

    private void validate(int maxPayloadBytes) throws FrameException {
        if (version == 0) {
            throw new FrameException("header version 0 is not a Pacemaker Remote header");
        }
        if (payloadOffset < SIZE) {
            throw new FrameException("payload offset " + payloadOffset + " is inside the 40-byte header");
        }
        if (payloadUncompressed < 1) {
            throw new FrameException("empty payload (a message is at least its NUL terminator)");
        }
        if (payloadUncompressed > maxPayloadBytes) {
            throw new FrameException("message of " + payloadUncompressed + " bytes exceeds the limit of "
                    + maxPayloadBytes + " bytes");
        }
        if (payloadCompressed > maxPayloadBytes) {
            throw new FrameException("compressed message of " + payloadCompressed
                    + " bytes exceeds the limit of " + maxPayloadBytes + " bytes");
        }
        long onWire = compressed() ? payloadCompressed : payloadUncompressed;
        if (payloadOffset - SIZE > maxPayloadBytes) {
            throw new FrameException("payload offset " + payloadOffset + " is beyond any sane header length");
        }
        if (sizeTotal != payloadOffset + onWire) {
            throw new FrameException("size_total " + sizeTotal + " does not match payload offset "
                    + payloadOffset + " plus " + onWire + " payload bytes");
        }
    }
}
