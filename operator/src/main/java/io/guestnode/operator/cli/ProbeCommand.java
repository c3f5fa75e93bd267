package io.guestnode.operator.cli;

import io.guestnode.agents.remote.ConnectFailure;
import io.guestnode.agents.remote.ConnectOptions;
import io.guestnode.agents.remote.Endpoint;
import io.guestnode.agents.remote.Registration;
import io.guestnode.agents.remote.RemoteExecutor;
import io.guestnode.agents.remote.RemoteExecutorClient;
import io.guestnode.agents.remote.SessionListener;
import io.guestnode.agents.remote.tls.AuthKey;
import io.guestnode.agents.remote.tls.KeyFileException;
import io.guestnode.operator.engine.GuestKeys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code guestnode probe}: can this host reach a guest's pacemaker-remoted, and how fast. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {
            "Connects to a pacemaker-remoted the way guestnode does (TCP, TLS-PSK, register, poke) and prints "
                + "how long each step took. The troubleshooting step for a guest that will not come online.",
            ""})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--addr", required = true, paramLabel = "HOST",
            description = "Address or host name of the guest (remote-addr).")
    String addr;

    @Option(names = "--port", defaultValue = "3121", paramLabel = "PORT",
            description = "pacemaker-remoted port (remote-port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Key file. Default: $PCMK_authkey_location, else /etc/pacemaker/authkey, "
                    + "else /etc/corosync/authkey.")
    Path key;

    @Option(names = "--guest", paramLabel = "NAME",
            description = "Use the key guestnode uses for this guest node: its own STATE-DIR/keys/NAME/authkey when "
                    + "that file exists, else the shared key (--key).")
    String guest;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "With --guest: guestnode's state directory. "
            + "Default: /var/lib/guestnode.")
    Path stateDir = Path.of("/var/lib/guestnode");

    @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Deadline of each step (connect, handshake, register, poke). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 1 || port > 65535) {
            err.println("guestnode probe: --port " + port + " is outside 1-65535");
            return ExitCodes.USAGE;
        }
        if (addr.isBlank()) {
            err.println("guestnode probe: --addr is empty");
            return ExitCodes.USAGE;
        }
        Path own = null;
        if (guest != null) {
            own = GuestKeys.fileOf(stateDir.resolve("keys"), guest).orElse(null);
            if (own == null) {
                err.println("guestnode probe: --guest '" + guest + "' cannot be a guest node's key directory name");
                return ExitCodes.USAGE;
            }
        }
        AuthKey authKey;
        try {
            if (own != null && (Files.exists(own) || Files.isSymbolicLink(own))) {
                authKey = AuthKey.load(own);
            } else {
                authKey = key != null ? AuthKey.load(key) : AuthKey.locate(System.getenv());
            }
        } catch (KeyFileException e) {
            err.println("guestnode probe: key unavailable: " + e.getMessage());
            return ConnectFailure.Kind.KEY_UNAVAILABLE.exitCode();
        }
        Endpoint endpoint = new Endpoint(addr, port);
        ConnectOptions options = ConnectOptions.defaults().withConnectTimeout(timeout).withHandshakeTimeout(timeout)
                .withRequestTimeout(timeout).withClientName("guestnode-probe");
        try (RemoteExecutorClient client = new RemoteExecutorClient();
             RemoteExecutor session = client.connect(endpoint, authKey, options, SessionListener.NONE)) {
            Duration poke;
            try {
                poke = session.poke(timeout).join();
            } catch (CompletionException e) {
                err.println("guestnode probe: timed out: " + endpoint + ": registered, but "
                        + e.getCause().getMessage());
                return ConnectFailure.Kind.TIMEOUT.exitCode();
            }
            Registration r = session.registration();
            out.printf("pacemaker-remoted at %s answered%n", endpoint);
            out.printf("  tcp connect     %8s%n", ms(r.connectNanos()));
            out.printf("  tls handshake   %8s  (%s, %s, %s)%n", ms(r.handshakeNanos()), r.tls().version(),
                    r.tls().cipherSuite(), r.tls().keyExchange());
            out.printf("  register        %8s  (remote protocol %s)%n", ms(r.registerNanos()),
                    r.remoteProtocolVersion());
            out.printf("  poke            %8s%n", ms(poke.toNanos()));
            out.printf("  key             %s (%d bytes, sha256:%s)%n", authKey.path(), authKey.length(),
                    authKey.fingerprint());
            return ExitCodes.OK;
        } catch (ConnectFailure f) {
            err.println("guestnode probe: " + f.oneLine());
            return f.kind().exitCode();
        }
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
