package dev.autost.cli;

import dev.autost.domain.AutostException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the domain's deliberate errors (and bad arguments caught late) into one line
 * on stderr and exit status 1, instead of a stack trace. Anything else is a bug and
 * keeps its stack trace.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        if (ex instanceof AutostException
                || ex instanceof IllegalArgumentException
                || ex instanceof java.io.UncheckedIOException) {
            cl.getErr().println("autost " + cl.getCommandName() + ": " + ex.getMessage());
            return 1;
        }
        throw new IllegalStateException(ex);
    }
}
