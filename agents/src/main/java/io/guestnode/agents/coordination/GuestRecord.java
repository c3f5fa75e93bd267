package io.guestnode.agents.coordination;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A guest's record in ZooKeeper ({@code guests/<guest>}), changed only by versioned writes: which host owns it, in
 * which epoch (each change of owner adds one), what it is doing, and where it is going.
 *
 * @param owner  the host that may run it while it holds its claim; empty when no host owns it
 * @param epoch  grows by one with every claim
 * @param phase  what the owner is doing with it
 * @param target the host it is moving to (phases MIGRATING and STOPPING), or, while RUNNING, the host a live
 *               migration to failed; else empty
 */
public record GuestRecord(Optional<String> owner, long epoch, Phase phase, Optional<String> target) {
    /** The largest record read from ZooKeeper: more is not a guest record. */
    static final int MAX_BYTES = 4096;

    public enum Phase {
        PLACED, RUNNING, MIGRATING, STOPPING, RECOVERING, FROZEN;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final GuestRecord NEW = new GuestRecord(Optional.empty(), 0, Phase.PLACED, Optional.empty());

    public GuestRecord {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " is negative");
        }
        owner.ifPresent(GuestRecord::checkName);
        target.ifPresent(GuestRecord::checkName);
    }

    /** The record after {@code host} claimed the guest: owner host, the next epoch. */
    public GuestRecord claimedBy(String host, Phase phase) {
        return new GuestRecord(Optional.of(host), epoch + 1, phase, Optional.empty());
    }

    /** The record while its owner stops the guest to hand it to {@code host}: owner and epoch unchanged. */
    public GuestRecord relocatingTo(String host) {
        return new GuestRecord(owner, epoch, Phase.STOPPING, Optional.of(host));
    }

    /** The record while its owner migrates the guest live to {@code host}: owner and epoch unchanged. */
    public GuestRecord migratingTo(String host) {
        return new GuestRecord(owner, epoch, Phase.MIGRATING, Optional.of(host));
    }

    /**
     * The record its owner writes when a live migration to {@code host} failed and the guest runs on here: running,
     * the target kept as the mark of that failure (the leader does not migrate it there again by itself).
     */
    public GuestRecord migrationFailed(String host) {
        return new GuestRecord(owner, epoch, Phase.RUNNING, Optional.of(host));
    }

    /** The record its owner writes once the guest is verified stopped: placed on its target, not yet claimed. */
    public GuestRecord handedTo(String host) {
        return new GuestRecord(Optional.of(host), epoch, Phase.PLACED, Optional.empty());
    }

    byte[] encode() {
        StringBuilder b = new StringBuilder();
        b.append("owner=").append(owner.orElse("")).append('\n');
        b.append("epoch=").append(epoch).append('\n');
        b.append("phase=").append(phase.word()).append('\n');
        b.append("target=").append(target.orElse("")).append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a record; the error names the znode and the field at fault, so a broken or hostile write is reported,
     * never acted on.
     */
    static GuestRecord decode(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException(path + ": empty guest record");
        }
        if (data.length > MAX_BYTES) {
            throw new IllegalArgumentException(path + ": guest record of " + data.length + " bytes (at most "
                    + MAX_BYTES + ")");
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(path + ": line '" + cut(line) + "' is not field=value");
            }
            if (f.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new IllegalArgumentException(path + ": field " + cut(line.substring(0, eq)) + " twice");
            }
        }
        for (String required : new String[] {"owner", "epoch", "phase", "target"}) {
            if (!f.containsKey(required)) {
                throw new IllegalArgumentException(path + ": field " + required + " missing");
            }
        }
        long epoch;
        try {
            epoch = Long.parseLong(f.get("epoch"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + ": epoch '" + cut(f.get("epoch")) + "' is not a number");
        }
        Phase phase = null;
        for (Phase p : Phase.values()) {
            if (p.word().equals(f.get("phase"))) {
                phase = p;
            }
        }
        if (phase == null) {
            throw new IllegalArgumentException(path + ": phase '" + cut(f.get("phase")) + "' is not one of "
                    + java.util.Arrays.stream(Phase.values()).map(Phase::word).toList());
        }
        try {
            return new GuestRecord(name(f.get("owner")), epoch, phase, name(f.get("target")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage());
        }
    }

    private static Optional<String> name(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /** Host names as in a node name: letters, digits, '.', '-', '_'; at most 64 characters. */
    static String checkName(String host) {
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("host name '" + cut(host) + "' is not a node name");
        }
        return host;
    }

    private static String cut(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
