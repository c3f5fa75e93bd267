package io.guestnode.agents.remote.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    static final String REGISTER = "<lrmd_command t=\"lrmd\" lrmd_op=\"register\" "
            + "lrmd_clientname=\"pacemaker-remote-guest1:3121\" lrmd_protocol_version=\"1.1\" "
            + "lrmd_is_ipc_provider=\"true\" lrmd_remote_msg_id=\"1\" lrmd_remote_msg_type=\"request\"/>";

    @Test
    void headerOfTheWorkedExampleIsByteExact() {
        assertEquals(200, REGISTER.length());
        byte[] h = FrameHeader.encode(1, FrameWriter.payload(REGISTER).length, 0);
        assertEquals("bddbdaba" + "01000000" + "0100000000000000" + "0000000000000000"
                + "f1000000" + "28000000" + "00000000" + "c9000000", HexFormat.of().formatHex(h));
    }

    @Test
    void capturedReplyHeaderDecodes() throws Exception {
        byte[] h = HexFormat.of().parseHex("bddbdaba010000000100000000000000000000000000000"
                + "00c010000280000000000000" + "0e4000000");
        FrameHeader d = FrameHeader.decode(h, 1 << 20);
        assertEquals(ByteOrder.LITTLE_ENDIAN, d.order());
        assertEquals(268, d.sizeTotal());
        assertEquals(228, d.payloadUncompressed());
    }

    /** Each message is two writes: the header, then the payload (never merged into one TLS record). */
    @Test
    void writerMakesTwoWritesPerMessage() throws IOException {
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        OutputStream probe = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(1);
                all.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
                all.write(b, off, len);
            }
        };
        new FrameWriter(probe).write(REGISTER);
        assertEquals(List.of(40, 201), writes);
        FrameReader r = new FrameReader(new ByteArrayInputStream(all.toByteArray()), FrameLimits.DEFAULT);
        assertEquals(REGISTER, r.read());
        assertNull(r.read(), "clean end of stream between messages");
    }

    @Test
    void roundTripPlainAndBzip2AndUtf8() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        String utf = "<x a=\"ünïcødé ✓\"/>";
        w.write(utf);
        w.write(REGISTER, true);
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()), FrameLimits.DEFAULT);
        assertEquals(utf, r.read());
        assertEquals(REGISTER, r.read());
    }

    @Test
    void bigEndianSenderIsUnderstood() throws IOException {
        byte[] payload = FrameWriter.payload("<ok/>");
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(FrameHeader.MAGIC).putInt(1).putLong(7).putLong(0).putInt(40 + payload.length).putInt(40)
                .putInt(0).putInt(payload.length).put(payload);
        FrameReader r = new FrameReader(new ByteArrayInputStream(b.array()), FrameLimits.DEFAULT);
        assertEquals("<ok/>", r.read());
    }

    @Test
    void longerHeaderIsHonouredThroughPayloadOffset() throws IOException {
        byte[] payload = FrameWriter.payload("<ok/>");
        ByteBuffer b = ByteBuffer.allocate(48 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(FrameHeader.MAGIC).putInt(2).putLong(7).putLong(0).putInt(48 + payload.length).putInt(48)
                .putInt(0).putInt(payload.length).putLong(0x1122334455667788L).put(payload);
        assertEquals("<ok/>", new FrameReader(new ByteArrayInputStream(b.array()), FrameLimits.DEFAULT).read());
    }

    static byte[] header(int magic, long total, long offset, long compressed, long uncompressed) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(magic).putInt(1).putLong(1).putLong(0).putInt((int) total).putInt((int) offset)
                .putInt((int) compressed).putInt((int) uncompressed);
        return b.array();
    }

    private static String failure(byte[] wire) {
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire), new FrameLimits(1024 * 1024));
        return assertThrows(FrameException.class, r::read).getMessage();
    }

    @Test
    void violationsAreFrameExceptionsWithAClearMessage() {
        assertTrue(failure(header(0x12345678, 46, 40, 0, 6)).contains("bad magic"));
        assertTrue(failure(header(FrameHeader.MAGIC, 46, 20, 0, 6)).contains("inside the 40-byte header"));
        assertTrue(failure(header(FrameHeader.MAGIC, 40, 40, 0, 0)).contains("empty payload"));
        assertTrue(failure(header(FrameHeader.MAGIC, 0xFFFFFFF0L, 40, 0, 0xFFFFFFF0L - 40)).contains("exceeds the limit"));
        assertTrue(failure(header(FrameHeader.MAGIC, 100, 40, 0, 6)).contains("does not match"));
        assertTrue(failure(header(FrameHeader.MAGIC, 40 + 50_000_000L, 40, 50_000_000L, 10)).contains("exceeds the limit"));
        byte[] noNul = concat(header(FrameHeader.MAGIC, 45, 40, 0, 5), "<ok/>".getBytes(StandardCharsets.US_ASCII));
        assertTrue(failure(noNul).contains("does not end in NUL"));
        byte[] notBzip = concat(header(FrameHeader.MAGIC, 50, 40, 10, 6), new byte[10]);
        assertTrue(failure(notBzip).contains("bzip2"));
    }

    @Test
    void truncatedMessageIsEof() {
        byte[] wire = concat(header(FrameHeader.MAGIC, 46, 40, 0, 6), "<ok".getBytes(StandardCharsets.US_ASCII));
        FrameReader r = new FrameReader(new ByteArrayInputStream(wire), FrameLimits.DEFAULT);
        assertThrows(EOFException.class, r::read);
        FrameReader half = new FrameReader(new ByteArrayInputStream(new byte[17]), FrameLimits.DEFAULT);
        assertThrows(EOFException.class, half::read);
    }

    /**
     * 256 MiB of zeros compress to a few hundred bytes. Announced as 100 bytes, or as 1 MiB under a 1 MiB
     * limit, decoding stops after the announced size and allocates about that much, never the bomb.
     */
    @Test
    void bzip2BombCostsNoMoreThanTheAnnouncedSize() throws IOException {
        byte[] bomb = bzip2Zeros(256L * 1024 * 1024);
        assertTrue(bomb.length < 1000, "bomb is " + bomb.length + " bytes");
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (long announced : new long[] {100, 1024 * 1024}) {
            byte[] wire = concat(header(FrameHeader.MAGIC, 40 + bomb.length, 40, bomb.length, announced), bomb);
            long before = mx.getThreadAllocatedBytes(tid);
            String msg = failure(wire);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(msg.contains("more than"), msg);
            assertTrue(allocated < 16L * 1024 * 1024, "allocated " + allocated + " bytes for a 256 MiB bomb");
        }
    }

    static byte[] bzip2Zeros(long n) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (var z = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(bos)) {
            byte[] zeros = new byte[1 << 20];
            for (long i = 0; i < n; i += zeros.length) {
                z.write(zeros);
            }
        }
        return bos.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void limitsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(10));
        assertArrayEquals(new byte[] {'a', 0}, FrameWriter.payload("a"));
    }
}
