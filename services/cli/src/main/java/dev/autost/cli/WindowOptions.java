package dev.autost.cli;

import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.Window;
import picocli.CommandLine.Option;

/** Overrides of a space's parameter window. */
final class WindowOptions {
    @Option(names = "--params-min", description = "Override the space's lower parameter bound, e.g. 11e6.")
    Double paramsMin;

    @Option(names = "--params-max", description = "Override the space's upper parameter bound, e.g. 12e6.")
    Double paramsMax;

    /** {@code s} with the overridden bounds; unchanged when none is given. */
    SearchSpace apply(SearchSpace s) {
        if (paramsMin == null && paramsMax == null) {
            return s;
        }
        Window w = s.constraints().params();
        return s.withConstraints(s.constraints()
                .withParams(
                        new Window(paramsMin != null ? paramsMin : w.min(), paramsMax != null ? paramsMax : w.max())));
    }
}
