package dev.autost.domain.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReplayTest {
    static final String RECIPE = "{\"space\":\"fashion-table\",\"dataset\":\"fashion-mnist\",\"epochs\":2,"
            + "\"backbone\":\"autost\",\"time_steps\":4,\"seed\":1}";

    static Path table(Path dir) throws Exception {
        Path t = dir.resolve("table.csv");
        BenchmarkTable.append(t, BenchmarkTableTest.row(Genome.uniform(2, 4, 2, 64), 0.61));
        Files.writeString(dir.resolve("recipe.json"), RECIPE);
        return t;
    }

    @Test
    void rungOfTheTableSchedule_isTheTablesEpoch(@TempDir Path dir) throws Exception {
        TableReplay r = TableReplay.load(table(dir), Duration.ZERO);
        String hash = Genome.uniform(2, 4, 2, 64).hash();
        TableReplay.Answer rung = r.answer(hash, "", 1, 2, "", 0);
        assertTrue(rung.replayed(), rung.refusal());
        assertEquals(0.41, rung.row().testAccuracy(rung.epochs()));
        TableReplay.Answer top = r.answer(hash, "fashion-mnist", 2, 0, "autost", 4);
        assertEquals(0.61, top.row().testAccuracy(top.epochs()));
        assertTrue(r.name().contains("fashion-table") && r.name().contains("seed 1"), r.name());
    }

    @Test
    void whatTheTableLacks_isRefusedSayingWhat(@TempDir Path dir) throws Exception {
        TableReplay r = TableReplay.load(table(dir), Duration.ZERO);
        String hash = Genome.uniform(2, 4, 2, 64).hash();
        TableReplay.Answer other = r.answer(Genome.uniform(1, 2, 2, 32).hash(), "", 2, 0, "", 0);
        assertFalse(other.replayed());
        assertTrue(other.refusal().contains("is not in the table"), other.refusal());
        assertTrue(r.answer(hash, "", 1, 0, "", 0).refusal().contains("1 epoch(s) on a 1-epoch schedule"));
        assertTrue(r.answer(hash, "", 3, 3, "", 0).refusal().contains("up to 2 epochs"));
        assertTrue(r.answer(hash, "cifar10", 2, 0, "", 0).refusal().contains("cifar10"));
        assertTrue(r.answer(hash, "", 2, 0, "spikformer", 0).refusal().contains("spikformer"));
    }

    @Test
    void missingRecipe_isRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path t = table(dir);
        Files.delete(dir.resolve("recipe.json"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TableReplay.load(t, Duration.ZERO));
        assertTrue(e.getMessage().contains("recipe.json is missing"), e.getMessage());
    }
}
