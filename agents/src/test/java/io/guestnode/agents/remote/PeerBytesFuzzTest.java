package io.guestnode.agents.remote;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.guestnode.agents.remote.frame.FrameException;
import io.guestnode.agents.remote.frame.FrameLimits;
import io.guestnode.agents.remote.frame.FrameReader;
import io.guestnode.agents.remote.message.Inbound;
import io.guestnode.agents.remote.message.MessageException;
import io.guestnode.agents.remote.message.Messages;
import io.guestnode.agents.remote.message.Notification;
import io.guestnode.agents.remote.message.Reply;
import io.guestnode.agents.remote.message.XmlCodec;
import io.guestnode.agents.testing.DecodeBounds;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.List;

/**
 * Bytes from a guest, through the same layers as {@link RemoteSession} reads them: frames, bzip2, XML,
 * message decoding. Every input must end decoded or in a {@link FrameException}, {@link MessageException}
 * or {@link EOFException}, within 1 s of CPU and 16 MiB of allocation with a 1 MiB frame ceiling (inputs
 * are at most 4 KiB, so a stream holds few messages; the bound is the cost of one message and its bzip2).
 *
 * <p>{@link PeerWire} turns the fuzzer's bytes into a wire stream in one of several shapes, so that the
 * fuzzer reaches the XML and bzip2 layers without having to discover valid headers first. Kept inputs
 * (seeds and every finding) live in {@code PeerBytesFuzzTestInputs/peerBytes/} and run in every build.
 */
class PeerBytesFuzzTest {
    static final FrameLimits LIMITS = new FrameLimits(1024 * 1024);
    static final DecodeBounds BOUNDS = DecodeBounds.of(
            List.of(FrameException.class, MessageException.class, EOFException.class));

    @FuzzTest(maxDuration = "5s")
    void peerBytes(FuzzedDataProvider data) {
        byte[] wire = PeerWire.from(data, LIMITS);
        BOUNDS.check("decoding " + wire.length + " bytes from a peer", () -> decode(wire));
    }

    /** Reads messages until the stream ends or fails, as the session's reader loop does. */
    static void decode(byte[] wire) throws Exception {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire), LIMITS);
        for (String xml = reader.read(); xml != null; xml = reader.read()) {
            use(Messages.decode(XmlCodec.parse(xml)));
        }
    }

    /** What the session does with each kind of message beyond decoding it. */
    private static void use(Inbound message) {
        switch (message) {
            case Reply r -> {
                r.rc();
                Messages.recurringOps(r.xml());
            }
            case Notification.Exec e -> e.result().summary();
            case Notification n -> n.xml().toString();
        }
    }
}
