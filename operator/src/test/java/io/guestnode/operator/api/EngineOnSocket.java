package io.guestnode.operator.api;

import io.guestnode.agents.domain.LibvirtDomainAgent;
import io.guestnode.operator.definitions.Definitions;
import io.guestnode.operator.engine.Engine;
import io.guestnode.operator.planner.ObservedState;
import io.guestnode.operator.planner.Overrides;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** A real engine on {@code definitions} with its control socket in {@code dir}: what the control tests talk to. */
final class EngineOnSocket implements AutoCloseable {
    final LibvirtDomainAgent domains = new LibvirtDomainAgent();
    final Engine engine;
    final Path socket;
    private final ControlServer server;

    EngineOnSocket(Path dir, Definitions definitions) throws IOException {
        engine = new Engine(definitions, ObservedState.EMPTY, Overrides.NONE, List.of(), domains, () -> null,
                Clock.systemUTC(), s -> { });
        socket = dir.resolve("run").resolve("guestnode.sock");
        server = new ControlServer(socket, engine, () -> null);
    }

    @Override
    public void close() {
        server.close();
        engine.close();
        domains.close();
    }
}
