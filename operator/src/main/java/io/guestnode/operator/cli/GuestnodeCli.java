package io.guestnode.operator.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code guestnode}: the runbook CLI. */
@Command(name = "guestnode", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Guest-node lifecycle operator: libvirt domains that run pacemaker-remoted.",
        subcommands = {RunCommand.class, StatusCommand.class, SmallVerbs.Cleanup.class, SmallVerbs.Disable.class,
            SmallVerbs.Enable.class, SmallVerbs.Fence.class, SmallVerbs.Maintenance.class, SmallVerbs.Reload.class,
            CheckCommand.class,
            ProbeCommand.class, TemplateCommand.class, CommandLine.HelpCommand.class})
public final class GuestnodeCli {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one invocation; returns the exit code. Never prints a stack trace for a user error. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (System.getProperty("guestnode.log.level") == null) {
            boolean daemon = args.length > 0 && args[0].equals("run");
            System.setProperty("guestnode.log.level", daemon ? "INFO" : "WARN");
        }
        CommandLine cl = new CommandLine(new GuestnodeCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("guestnode " + commandLine.getCommandName() + ": internal error: " + ex);
            return ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }
}
