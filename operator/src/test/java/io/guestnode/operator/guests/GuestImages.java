package io.guestnode.operator.guests;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where vm-images/build put the guest images: $GUESTNODE_IMAGES, else the project's .cache/images. */
public final class GuestImages {
    private GuestImages() {
    }

    public static Path dir() {
        String env = System.getenv("GUESTNODE_IMAGES");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("guestnode.root", "."), ".cache", "images").toAbsolutePath().normalize();
    }

    public static Path lxcRoot() {
        Path root = dir().resolve("root");
        if (!Files.isExecutable(root.resolve("sbin/guestnode-init"))) {
            throw new IllegalStateException("no guest image at " + root + "; run vm-images/build (bin/test does)");
        }
        return root;
    }
}
