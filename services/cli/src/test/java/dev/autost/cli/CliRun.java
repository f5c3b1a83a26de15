package dev.autost.cli;

import dev.autost.cli.model.ScoreCommand;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the real command tree in process and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {
    /** Runs {@code autost ARGS}; {@code stdin}, when given, is what {@code autost score} reads. */
    /** Runs a command line whose words are separated by single spaces (paths without spaces). */
    public static CliRun line(String commandLine) {
        return run(null, commandLine.split(" "));
    }

    public static CliRun run(String stdin, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (stdin != null) {
            CommandLine score = cl.getSubcommands().get("score");
            ((ScoreCommand) score.getCommand())
                    .readFrom(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        }
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
