package dev.autost.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the real command tree in process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {
    static CliRun run(String stdin, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (stdin != null) {
            CommandLine score = cl.getSubcommands().get("score");
            ((ScoreCommand) score.getCommand()).input =
                    new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
