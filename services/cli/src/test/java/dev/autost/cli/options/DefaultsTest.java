package dev.autost.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.cli.CliRun;
import dev.autost.cli.options.CommonOptions.EvolutionOptions;
import dev.autost.domain.search.EvolutionSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DefaultsTest {
    @Test
    void evolutionDefaults_areTheDomainsOfficialSettings() {
        EvolutionSettings official = EvolutionSettings.defaults(Defaults.SEED);
        assertEquals(official.population(), Defaults.POPULATION);
        assertEquals(official.generations(), Defaults.GENERATIONS);
        assertEquals(official.parents(), Defaults.PARENTS);
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs();
        assertEquals(official, holder.evolution.settings(Defaults.PARENTS, Defaults.SEED));
    }

    @Test
    void help_sharedOptions_showEachCommandsOwnDefaults() {
        String search = help("search");
        String study = help("study");
        String train = help("train");
        assertTrue(search.contains("Seed of the search (default: 42)"), search);
        assertTrue(search.contains("YAML file (default: small)"), search);
        assertTrue(study.contains("YAML file (default: fashion-micro)"), study);
        assertTrue(study.contains("(default: 1)"), study);
        assertTrue(study.contains("(0 = all, default: 4000)"), study);
        assertTrue(search.contains("(0 = all, default: 0)"), search);
        assertTrue(train.contains("(0 = all, default: 0)"), train);
        for (String help : new String[] {search, study}) {
            assertTrue(help.contains("(default: " + Defaults.POPULATION + ")"), help);
            assertTrue(help.contains("(default: " + Defaults.GENERATIONS + ")"), help);
        }
    }

    /** The command's help on one line: picocli wraps the descriptions. */
    private static String help(String command) {
        return CliRun.run(null, command, "--help").out().replaceAll("\\s+", " ");
    }

    /** A command holding only the mixin, to read its annotated defaults. */
    @Command
    static final class Holder {
        @Mixin
        EvolutionOptions evolution;
    }
}
