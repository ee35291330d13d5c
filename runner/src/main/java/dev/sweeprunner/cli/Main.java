package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.train.RunEnvironment;
import dev.sweeprunner.records.DamagedRecord;
import dev.sweeprunner.records.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point: exit 0 on success, 2 on a user error (one line, no stack trace), 3 when a sweep
 * left trials to another live sweep, 1 otherwise.
 */
// INHERIT gives every command --help and --version, so `runner sweep --help` prints the sweep's options
@Command(name = "runner", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Sizes small networks to parameter budgets, trains them with DJL/PyTorch, writes CSV and tables.",
        subcommands = {PlanCommand.class, SweepCommand.class, ReportCommand.class, CompareCommand.class, DataCommand.class,
            InfoCommand.class, EvaluateCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_USER_ERROR = 2;
    public static final int EXIT_FAILURE = 1;
    /**
     * A sweep that skipped trials because another live sweep was running them: nothing failed,
     * but this sweep's results are not all there yet. Not 2: nothing is wrong with the input.
     */
    public static final int EXIT_INCOMPLETE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: plan, sweep, report, compare, evaluate, data, info or help");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; the tests call this directly. */
    public static int execute(String... args) {
        RunEnvironment.forceOffline();
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen, also on a desktop
        CommandLine commandLine = commandLine(args);
        if (commandLine.getCommand() instanceof WorkerCommand) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        commandLine.setExecutionExceptionHandler(Main::handle);
        commandLine.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            err.println("(see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_USER_ERROR;
        });
        return commandLine.execute(args);
    }

    /**
     * The whole command tree, except for a sweep's worker JVM: it gets its own command alone, since
     * picocli reflects over every command when the tree is built (~0.1 s of each worker's start).
     */
    private static CommandLine commandLine(String... args) {
        return args.length > 0 && args[0].equals(WorkerCommand.NAME) ? new CommandLine(new WorkerCommand())
                : new CommandLine(new Main());
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof UserError || e instanceof DamagedRecord) {
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_USER_ERROR;
        }
        if (e instanceof UncheckedIOException io) {
            // a filesystem problem the specific messages did not catch: still the path and the OS's reason
            IOException cause = io.getCause();
            err.println("error: " + (cause instanceof FileSystemException f && f.getFile() != null
                    ? f.getFile() + ": " + AtomicFiles.reason(f) : io.getMessage()));
            err.flush();
            return EXIT_USER_ERROR;
        }
        err.println("internal error (please report): " + e);
        e.printStackTrace(err);
        err.flush();
        return EXIT_FAILURE;
    }

    /** Versions from the build, so a bug report says which runner and engine were used. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var v = RunEnvironment.versions();
            return new String[] {"runner " + v.getProperty("runner.version") + " (DJL " + v.getProperty("djl.version")
                    + ", PyTorch " + v.getProperty("pytorch.version") + ")"};
        }
    }
}
