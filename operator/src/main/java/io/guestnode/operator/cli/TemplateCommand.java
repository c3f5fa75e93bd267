package io.guestnode.operator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code guestnode template}: renders a libvirt domain for a guest node from xml-templates/. */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Prints the libvirt domain XML of a guest node, from the lxc, kvm or qemu template, ready to "
                + "be the VM resource's config file.")
final class TemplateCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z_]+)@");

    enum Kind { lxc, kvm, qemu }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "lxc, kvm or qemu (kvm without hardware acceleration)")
    Kind kind;

    @Option(names = "--name", required = true, description = "Domain name (also the guest's host name).")
    String name;

    @Option(names = "--addr", required = true, description = "The guest's IPv4 address on the isolated network.")
    String addr;

    @Option(names = "--prefix", defaultValue = "16", description = "Network prefix length. Default: ${DEFAULT-VALUE}.")
    int prefix;

    @Option(names = "--memory", defaultValue = "128", paramLabel = "MIB", description = "Memory in MiB. Default: ${DEFAULT-VALUE}.")
    int memory;

    @Option(names = "--network", defaultValue = "guestnode", description = "libvirt network. Default: ${DEFAULT-VALUE}.")
    String network;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Images built by vm-images/build. Default: $GUESTNODE_IMAGES, else /var/lib/guestnode/images.")
    Path images;

    @Option(names = "--root", paramLabel = "DIR", description = "LXC: root directory. Default: IMAGES/root.")
    Path root;

    @Option(names = "--key-dir", paramLabel = "DIR",
            description = "LXC: host directory (mode 0700) holding the guest's authkey, mounted read-only as "
                    + "/etc/pacemaker. Default: /var/lib/guestnode/keys/NAME: with NAME the guest node's name, guestnode "
                    + "uses the same file for the guest's connection.")
    Path keyDir;

    @Option(names = "--key", paramLabel = "FILE",
            description = "KVM/QEMU: host key file handed to the guest through fw_cfg. Default: /etc/pacemaker/authkey; "
                    + "for a key of the guest's own: /var/lib/guestnode/keys/NAME/authkey.")
    Path key;

    @Option(names = "--disk", paramLabel = "FILE",
            description = "KVM/QEMU: the guest's qcow2 overlay. Default: /var/lib/guestnode/disks/NAME.qcow2.")
    Path disk;

    @Option(names = "--kernel", paramLabel = "FILE", description = "KVM/QEMU: kernel. Default: IMAGES/qemu/vmlinuz.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "KVM/QEMU: initramfs. Default: IMAGES/qemu/initrd.img.")
    Path initrd;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String problem = validate();
        if (problem != null) {
            err.println("guestnode template: " + problem);
            return ExitCodes.USAGE;
        }
        Path img = images != null ? images : Path.of(envOr("GUESTNODE_IMAGES", "/var/lib/guestnode/images"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("NAME", name);
        values.put("ADDR", addr);
        values.put("PREFIX", Integer.toString(prefix));
        values.put("MEMORY_MIB", Integer.toString(memory));
        values.put("NETWORK", network);
        values.put("MAC", mac(addr));
        if (kind == Kind.lxc) {
            values.put("ROOT", abs(root != null ? root : img.resolve("root")));
            values.put("KEY_DIR", abs(keyDir != null ? keyDir : Path.of("/var/lib/guestnode/keys", name)));
        } else {
            values.put("KERNEL", abs(kernel != null ? kernel : img.resolve("qemu/vmlinuz")));
            values.put("INITRD", abs(initrd != null ? initrd : img.resolve("qemu/initrd.img")));
            values.put("DISK", abs(disk != null ? disk : Path.of("/var/lib/guestnode/disks", name + ".qcow2")));
            values.put("KEY_FILE", abs(key != null ? key : Path.of("/etc/pacemaker/authkey")));
        }
        String template;
        try {
            template = load(kind.name() + "-guest.xml");
        } catch (IOException e) {
            err.println("guestnode template: cannot read the " + kind + " template: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        out.print(render(template, values));
        out.flush();
        return ExitCodes.OK;
    }

    private String validate() {
        if (!NAME.matcher(name).matches()) {
            return "--name '" + name + "' must be letters, digits, '.', '_' or '-' (at most 64)";
        }
        Matcher m = IPV4.matcher(addr);
        boolean ipOk = m.matches();
        for (int i = 1; ipOk && i <= 4; i++) {
            ipOk = Integer.parseInt(m.group(i)) <= 255;
        }
        if (!ipOk) {
            return "--addr '" + addr + "' is not an IPv4 address";
        }
        if (prefix < 1 || prefix > 32) {
            return "--prefix " + prefix + " is outside 1-32";
        }
        if (memory < 16) {
            return "--memory " + memory + " MiB is too small (at least 16)";
        }
        if (!NAME.matcher(network).matches()) {
            return "--network '" + network + "' is not a libvirt network name";
        }
        return null;
    }

    /**
     * A MAC derived from the address (52:54:00 and its last three bytes): a recovered guest comes back with the
     * same MAC, so the host's neighbour entry for its address stays valid and the first connection does not wait
     * for ARP to notice a new interface.
     */
    static String mac(String ipv4) {
        String[] o = ipv4.split("\\.");
        return String.format("52:54:00:%02x:%02x:%02x", Integer.parseInt(o[1]), Integer.parseInt(o[2]),
                Integer.parseInt(o[3]));
    }

    static String load(String file) throws IOException {
        try (InputStream in = TemplateCommand.class.getResourceAsStream("/xml-templates/" + file)) {
            if (in == null) {
                throw new IOException("template " + file + " is not in this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Replaces every @KEY@ with its XML-escaped value; a placeholder without a value is a bug in the template. */
    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("template placeholder @" + m.group(1) + "@ has no value");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(escape(v)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String escape(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
                .replace("\"", "&quot;");
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
