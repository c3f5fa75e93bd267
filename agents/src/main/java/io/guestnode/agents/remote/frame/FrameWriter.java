package io.guestnode.agents.remote.frame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Writes framed messages. Each message is two writes on the underlying stream: the 40-byte header, then
 * the payload. Over TLS each write becomes its own record(s); pacemaker-remoted 2.1.5 stalls for 60 s
 * if header and payload of the first message share one record, so the two are never merged.
 * Thread-safe: whole messages never interleave.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private long nextId = 1;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends one message with a plain payload. */
    public void write(String xml) throws IOException {
        write(xml, false);
    }

    /**
     * Sends one message. {@code compress} exists for interoperability tests; pacemaker-remoted never
     * compresses, and guestnode sends plain payloads in production.
     */
    public void write(String xml, boolean compress) throws IOException {
        byte[] payload = payload(xml);
        byte[] body = compress ? bzip2(payload) : payload;
        lock.lock();
        try {
            byte[] header = FrameHeader.encode(nextId++, payload.length, compress ? body.length : 0);
            out.write(header);
            out.flush();
            out.write(body);
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    /** The XML as UTF-8 with its NUL terminator. */
    public static byte[] payload(String xml) {
        byte[] text = xml.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        System.arraycopy(text, 0, payload, 0, text.length);
        return payload;
    }

    static byte[] bzip2(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(data.length / 2 + 64);
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(bos)) {
            z.write(data);
        }
        return bos.toByteArray();
    }
}
