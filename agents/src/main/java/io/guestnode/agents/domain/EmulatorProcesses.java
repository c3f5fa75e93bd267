package io.guestnode.agents.domain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Evidence from the process table when libvirt does not answer: the domain's emulator, {@code libvirt_lxc
 * --name NAME} for containers or {@code qemu-system-* -name guest=NAME,...} (or {@code -name NAME}) for VMs.
 */
final class EmulatorProcesses {
    private final Path proc;

    EmulatorProcesses(Path proc) {
        this.proc = proc;
    }

    /** The emulator's pid, empty when there is none; throws when the process table cannot be read. */
    OptionalLong find(String domain) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                byte[] raw;
                try {
                    raw = Files.readAllBytes(p.resolve("cmdline"));
                } catch (IOException gone) {
                    continue;
                }
                if (matches(List.of(new String(raw, StandardCharsets.UTF_8).split("\0")), domain)) {
                    return OptionalLong.of(Long.parseLong(p.getFileName().toString()));
                }
            }
        }
        return OptionalLong.empty();
    }

    static boolean matches(List<String> argv, String domain) {
        if (argv.isEmpty()) {
            return false;
        }
        String exe = Path.of(argv.get(0)).getFileName() == null ? "" : Path.of(argv.get(0)).getFileName().toString();
        boolean lxc = exe.equals("libvirt_lxc");
        boolean qemu = exe.startsWith("qemu-system-") || exe.equals("qemu-kvm") || exe.equals("qemu-dm");
        if (!lxc && !qemu) {
            return false;
        }
        for (int i = 0; i + 1 < argv.size(); i++) {
            String a = argv.get(i);
            String v = argv.get(i + 1);
            if (lxc && a.equals("--name") && v.equals(domain)) {
                return true;
            }
            if (qemu && a.equals("-name")) {
                if (v.equals(domain)) {
                    return true;
                }
                for (String part : v.split(",")) {
                    if (part.equals("guest=" + domain)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
