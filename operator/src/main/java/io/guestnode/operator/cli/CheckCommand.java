package io.guestnode.operator.cli;

import io.guestnode.operator.definitions.DefinitionsLoader;
import io.guestnode.operator.definitions.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code guestnode check}: validates definitions like {@code crm_verify}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validates guest definitions (CIB XML files or directories of them) and prints every problem "
                + "as file:line: message, then a summary.")
final class CheckCommand implements Callable<Integer> {
    static final Path DEFAULT_DEFINITIONS = Path.of("/etc/guestnode/guests.d");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Files or directories (*.xml). Default: " + "/etc/guestnode/guests.d")
    List<Path> paths;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "The host's node name (default: uname -n).")
    String nodeName;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> targets = paths == null || paths.isEmpty() ? List.of(DEFAULT_DEFINITIONS) : paths;
        String host = nodeName != null ? nodeName : DefinitionsLoader.defaultHostNode();
        DefinitionsLoader.Result r = new DefinitionsLoader(host, DefinitionsLoader.Purpose.MODEL).load(targets);
        for (Problem p : r.problems()) {
            out.println(p);
        }
        long warnings = r.problems().size() - r.errors();
        int guests = r.definitions().vms().size();
        int resources = guests + r.definitions().services().size();
        out.printf("%d guest%s, %d resource%s, %d error%s%s%n", guests, guests == 1 ? "" : "s", resources,
                resources == 1 ? "" : "s", r.errors(), r.errors() == 1 ? "" : "s",
                warnings > 0 ? ", " + warnings + " warning" + (warnings == 1 ? "" : "s") : "");
        return r.ok() ? ExitCodes.OK : ExitCodes.CONFIG;
    }
}
