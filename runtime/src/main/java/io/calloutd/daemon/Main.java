package io.calloutd.daemon;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code calloutd} command. */
@Command(name = "calloutd", mixinStandardHelpOptions = true, version = "calloutd 0.1.0",
        description = "A WFP-style callout runtime and userspace firewall for Linux, fed by a TUN device.",
        subcommands = {RunCommand.class, DemoCommand.class, BenchCommand.class, ReplayCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the configured picocli command line (also used by tests) */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("calloutd: error: " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: run or demo");
    }
}
