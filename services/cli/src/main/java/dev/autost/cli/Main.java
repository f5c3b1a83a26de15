package dev.autost.cli;

import picocli.CommandLine;

/** Entry point of the {@code autost} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree with the project's error handling; tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AutostCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
