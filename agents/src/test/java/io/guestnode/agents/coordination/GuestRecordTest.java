package io.guestnode.agents.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuestRecordTest {
    private static final String P = "/guestnode/c1/guests/guest1";

    @Test
    void aRecordReadsBackAsWritten() {
        GuestRecord r = GuestRecord.NEW.claimedBy("h2", GuestRecord.Phase.RUNNING);
        assertEquals(new GuestRecord(Optional.of("h2"), 1, GuestRecord.Phase.RUNNING, Optional.empty()), r);
        assertEquals(r, GuestRecord.decode(P, r.encode()));
        GuestRecord moving = new GuestRecord(Optional.of("h1"), 7, GuestRecord.Phase.MIGRATING, Optional.of("h3"));
        assertEquals(moving, GuestRecord.decode(P, moving.encode()));
    }

    @Test
    void brokenRecordsAreNamedNeverTaken() {
        assertEquals(P + ": empty guest record", error(""));
        assertEquals(P + ": field epoch missing", error("owner=h1\nphase=running\ntarget=\n"));
        assertEquals(P + ": epoch 'x' is not a number", error("owner=h1\nepoch=x\nphase=running\ntarget=\n"));
        assertEquals(P + ": phase 'up' is not one of [placed, running, migrating, stopping, recovering, frozen]",
                error("owner=h1\nepoch=1\nphase=up\ntarget=\n"));
        assertEquals(P + ": host name 'h1?rm' is not a node name", error("owner=h1\u0007rm\nepoch=1\nphase=running\ntarget=\n"));
        assertEquals(P + ": field owner twice", error("owner=h1\nowner=h2\nepoch=1\nphase=running\ntarget=\n"));
        assertEquals(P + ": epoch -1 is negative", error("owner=h1\nepoch=-1\nphase=running\ntarget=\n"));
        assertEquals(P + ": guest record of 5000 bytes (at most 4096)", error("x".repeat(5000)));
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class,
                () -> GuestRecord.decode(P, text.getBytes(StandardCharsets.UTF_8))).getMessage();
    }
}
