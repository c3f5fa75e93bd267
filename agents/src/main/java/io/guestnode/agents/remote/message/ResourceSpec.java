package io.guestnode.agents.remote.message;

import java.util.Objects;

/**
 * A resource as the executor knows it: an id and its agent.
 *
 * @param id       resource id ({@code lrmd_rsc_id})
 * @param standard agent class: {@code ocf}, {@code lsb}, {@code systemd}, {@code service}
 * @param provider OCF provider ({@code heartbeat}, {@code pacemaker}), or {@code null} for other classes
 * @param type     agent name
 */
public record ResourceSpec(String id, String standard, String provider, String type) {
    public ResourceSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(standard, "standard");
        Objects.requireNonNull(type, "type");
    }

    /** {@code ocf:heartbeat:Dummy} form. */
    public String agent() {
        return provider == null ? standard + ":" + type : standard + ":" + provider + ":" + type;
    }
}
