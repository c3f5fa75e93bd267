package io.guestnode.operator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Command;

/** {@code guestnode}: the runbook CLI. */
@Command(name = "guestnode", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Guest-node lifecycle operator: libvirt domains that run pacemaker-remoted.",
        subcommands = {RunCommand.class, StatusCommand.class, SmallVerbs.Cleanup.class, SmallVerbs.Disable.class,
            SmallVerbs.Enable.class, SmallVerbs.Fence.class, SmallVerbs.Maintenance.class, SmallVerbs.Reload.class,
            SmallVerbs.Restart.class,
            PlacementVerbs.Move.class, PlacementVerbs.Ban.class, PlacementVerbs.Clear.class,
            PlacementVerbs.Standby.class, PlacementVerbs.Unstandby.class, CheckCommand.class, SimulateCommand.class,
            AdoptCommand.class,
            ProbeCommand.class, TemplateCommand.class, CommandLine.HelpCommand.class})
public final class GuestnodeCli {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one invocation; returns the exit code. Never prints a stack trace for a user error. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, HostDefaults.FILE, System.getenv());
    }

    /**
     * Runs one invocation with the host's defaults read from {@code defaultsFile} and {@code environment} (see
     * {@link HostDefaults}).
     */
    static int run(String[] args, PrintWriter out, PrintWriter err, Path defaultsFile, Map<String, String> environment) {
        if (System.getProperty("guestnode.log.level") == null) {
            boolean daemon = args.length > 0 && args[0].equals("run");
            System.setProperty("guestnode.log.level", daemon ? "INFO" : "WARN");
        }
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        HostDefaults defaults;
        try {
            defaults = HostDefaults.load(defaultsFile, environment,
                    HostDefaults.keysOf(cl.getSubcommands().get("run").getCommandSpec()));
        } catch (HostDefaults.DefaultsException e) {
            err.println("guestnode: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        cl.setDefaultValueProvider(defaults);
        IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, given) -> {
            String origin = defaults.originOf(ex.getArgSpec());
            if (origin == null || givenOnCommandLine(ex.getArgSpec(), given)) {
                return usage.handleParseException(ex, given);
            }
            ex.getCommandLine().getErr().println("guestnode " + ex.getCommandLine().getCommandName() + ": "
                    + ex.getMessage() + " (from " + origin + ")");
            return ExitCodes.CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("guestnode " + commandLine.getCommandName() + ": internal error: " + ex);
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    /** The command model: every verb, its options, and the exit codes each returns. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GuestnodeCli());
        exitCodesInHelp(cl);
        return cl;
    }

    /**
     * A bad command line exits 64 in every verb; each verb's {@code --help} lists the exit codes it returns, from the
     * one table ({@link ExitCodes#TABLE}).
     */
    private static void exitCodesInHelp(CommandLine cl) {
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE).usageMessage()
                .exitCodeListHeading("%nExit codes (Pacemaker's crm_exit_t):%n")
                .exitCodeList(ExitCodes.helpOf("guestnode"));
        cl.getSubcommands().forEach((name, sub) -> {
            sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
            if (!name.equals("help")) {
                sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                        .exitCodeList(ExitCodes.helpOf(name));
            }
        });
    }

    private static boolean givenOnCommandLine(ArgSpec a, String[] args) {
        if (!(a instanceof OptionSpec o)) {
            return true;
        }
        for (String arg : args) {
            for (String name : o.names()) {
                if (arg.equals(name) || arg.startsWith(name + "=")) {
                    return true;
                }
            }
        }
        return false;
    }
}
