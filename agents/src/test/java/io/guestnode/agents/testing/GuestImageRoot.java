package io.guestnode.agents.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A guest image root built by vm-images/build, used here to run the pacemaker-remoted of another Debian
 * release than the host's: {@code root} is Debian 12 (pacemaker-remote 2.1.5), {@code root-trixie} Debian 13
 * (3.0). Found in $GUESTNODE_IMAGES, else the project's .cache/images.
 */
public record GuestImageRoot(String suite, Path path) {

    /** The image root of a Debian suite; fails naming the build command when it was not built. */
    public static GuestImageRoot of(String suite) {
        String env = System.getenv("GUESTNODE_IMAGES");
        Path images = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("guestnode.root", "."), ".cache", "images").toAbsolutePath().normalize();
        Path root = images.resolve("bookworm".equals(suite) ? "root" : "root-" + suite);
        if (!Files.isExecutable(root.resolve("sbin/guestnode-init"))) {
            throw new IllegalStateException("no " + suite + " guest image at " + root + "; run vm-images/build --suite "
                    + suite + " (bin/test does)");
        }
        return new GuestImageRoot(suite, root);
    }

    /** The version of the pacemaker-remote package installed in this root, e.g. {@code 3.0.0-2}. */
    public String pacemakerRemoteVersion() {
        try {
            String status = Files.readString(path.resolve("var/lib/dpkg/status"));
            int at = status.indexOf("Package: pacemaker-remote\n");
            int v = status.indexOf("\nVersion: ", at);
            if (at < 0 || v < 0) {
                throw new IllegalStateException("pacemaker-remote is not installed in " + path);
            }
            return status.substring(v + 10, status.indexOf('\n', v + 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The command that runs this root's pacemaker-remoted chrooted in a private mount namespace: tmpfs over
     * every directory it writes (the image stays untouched), the host's /dev with a private /dev/shm, a /proc,
     * and {@code hostDir} bound at {@code /run/sandbox}. Each step execs the next, so the process started is
     * pacemaker-remoted itself.
     */
    List<String> remotedCommand(Path hostDir) {
        String script = """
                set -e
                r="$1"
                for d in run tmp var/log var/lib/pacemaker; do mount -t tmpfs -o mode=0755 tmpfs "$r/$d"; done
                chmod 1777 "$r/tmp"
                mount --rbind /dev "$r/dev"
                mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
                mount -t proc proc "$r/proc"
                mkdir -p "$r/run/sandbox" "$r/run/crm" "$r/run/resource-agents" "$r/var/log/pacemaker" \\
                         "$r/var/lib/pacemaker/cores"
                mount --bind "$2" "$r/run/sandbox"
                exec chroot "$r" /usr/sbin/pacemaker-remoted
                """;
        return List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh",
                path.toString(), hostDir.toString());
    }
}
