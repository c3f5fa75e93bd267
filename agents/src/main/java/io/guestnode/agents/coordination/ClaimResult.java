package io.guestnode.agents.coordination;

/** How a claim of a guest ended. */
public sealed interface ClaimResult {
    /** This host owns the guest now, with its claim in this host's session. */
    record Claimed(GuestRecord record, int version) implements ClaimResult {
    }

    /** Someone changed the guest's record or holds its claim: nothing was written. */
    record Lost(String why) implements ClaimResult {
    }
}
