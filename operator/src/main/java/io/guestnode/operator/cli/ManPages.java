package io.guestnode.operator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The CLI's manual pages (troff, section 1: {@code guestnode.1} and one {@code guestnode-VERB.1} per verb) and its bash
 * completion, generated from the same command model {@code --help} prints, so that neither can drift from it.
 * {@code ManPages DIR} writes {@code DIR/man1/*.1} and {@code DIR/bash-completion/guestnode}.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTPUT-DIR");
            System.exit(ExitCodes.USAGE);
        }
        write(Path.of(args[0]));
    }

    /** Writes every page and the completion script under {@code dir}; returns the pages written, by file name. */
    public static Map<String, String> write(Path dir) throws IOException {
        CommandLine cl = GuestnodeCli.commandLine();
        String version = new VersionProvider().getVersion()[0];
        Map<String, String> pages = new TreeMap<>();
        pages.put("guestnode.1", page(cl.getCommandSpec(), "guestnode", version));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                pages.put("guestnode-" + name + ".1", page(sub.getCommandSpec(), "guestnode-" + name, version));
            }
        });
        Path man = Files.createDirectories(dir.resolve("man1"));
        for (Map.Entry<String, String> p : pages.entrySet()) {
            Files.writeString(man.resolve(p.getKey()), p.getValue(), StandardCharsets.UTF_8);
        }
        Path completion = Files.createDirectories(dir.resolve("bash-completion"));
        Files.writeString(completion.resolve("guestnode"), AutoComplete.bash("guestnode", cl));
        return pages;
    }

    /** One page: name, synopsis, description, options, arguments, exit status, see also. */
    static String page(CommandSpec spec, String title, String version) {
        StringBuilder t = new StringBuilder();
        t.append(".TH ").append(title.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"")
                .append(escape(version)).append("\" \"guestnode manual\"\n");
        t.append(".SH NAME\n").append(escape(title)).append(" \\- ")
                .append(escape(firstSentence(String.join(" ", spec.usageMessage().description())))).append('\n');
        t.append(".SH SYNOPSIS\n.B ").append(escape(spec.qualifiedName())).append('\n');
        for (OptionSpec o : spec.options()) {
            t.append("[\\fB").append(escape(o.longestName())).append("\\fR");
            if (o.arity().max() > 0) {
                t.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            t.append("]\n");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            t.append("\\fI").append(escape(p.paramLabel())).append("\\fR\n");
        }
        if (!spec.subcommands().isEmpty()) {
            t.append("\\fIVERB\\fR [\\fIOPTIONS\\fR]\n");
        }
        t.append(".SH DESCRIPTION\n").append(escape(String.join(" ", spec.usageMessage().description())))
                .append('\n');
        if (!spec.subcommands().isEmpty()) {
            t.append(".SH VERBS\n");
            spec.subcommands().forEach((name, sub) -> {
                if (!name.equals("help")) {
                    t.append(".TP\n.B ").append(escape(name)).append('\n').append(escape(firstSentence(String.join(
                            " ", sub.getCommandSpec().usageMessage().description())))).append('\n');
                }
            });
        }
        if (!spec.options().isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                t.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    t.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                }
                t.append('\n').append(escape(String.join(" ", o.description()).replace("${DEFAULT-VALUE}",
                        String.valueOf(o.defaultValue())))).append('\n');
            }
        }
        if (!spec.positionalParameters().isEmpty()) {
            t.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                t.append(".TP\n.I ").append(escape(p.paramLabel())).append('\n')
                        .append(escape(String.join(" ", p.description()))).append('\n');
            }
        }
        Map<String, String> codes = spec.usageMessage().exitCodeList();
        if (!codes.isEmpty()) {
            t.append(".SH EXIT STATUS\n");
            codes.forEach((code, meaning) -> t.append(".TP\n.B ").append(escape(code.trim())).append('\n')
                    .append(escape(meaning)).append('\n'));
        }
        t.append(".SH SEE ALSO\n");
        List<String> also = spec.subcommands().isEmpty() ? List.of("guestnode(1)")
                : spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).map(n -> "guestnode-" + n
                + "(1)").toList();
        t.append(escape(String.join(", ", also))).append(", crm_mon(8), crm_resource(8), virsh(1)\n");
        return t.toString();
    }

    private static String firstSentence(String s) {
        int dot = s.indexOf(". ");
        return (dot < 0 ? s : s.substring(0, dot + 1)).trim();
    }

    /** troff: backslashes and hyphens escaped, no line beginning with a control character. */
    static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-").replace("%n", " ");
        return e.lines().map(l -> l.startsWith(".") || l.startsWith("'") ? "\\&" + l : l)
                .collect(Collectors.joining("\n"));
    }
}
