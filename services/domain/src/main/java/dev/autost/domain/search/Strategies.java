package dev.autost.domain.search;

import java.util.List;
import java.util.Locale;

/** Creates a strategy by its name: {@code evolution}, {@code random} or {@code pareto}. */
public final class Strategies {
    public static final List<String> NAMES = List.of("evolution", "random", "pareto");

    private Strategies() {
    }

    /**
     * @throws IllegalArgumentException naming the accepted strategies
     */
    public static GenerationalSearch create(String name, Feasibility feasibility, EvolutionSettings settings) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "evolution" -> new EvolutionSearch(feasibility, settings);
            case "random" -> new RandomSearch(feasibility, settings);
            case "pareto" -> new ParetoEvolutionSearch(feasibility, settings);
            default -> throw new IllegalArgumentException("unknown strategy '" + name + "' (expected one of " + NAMES + ")");
        };
    }
}
