package io.guestnode.operator.definitions;

/** A resource agent: {@code ocf:heartbeat:Dummy}, {@code systemd:nginx}, {@code lsb:foo}. */
public record Agent(String standard, String provider, String type) {
    @Override
    public String toString() {
        return provider == null ? standard + ":" + type : standard + ":" + provider + ":" + type;
    }
}
