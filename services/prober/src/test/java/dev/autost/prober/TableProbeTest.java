package dev.autost.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.domain.genome.Genome;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableProbeTest {
    @Test
    void measure_servesTheTablesProxies_andRefusesAGenomeItLacks() {
        Genome g = Genome.uniform(2, 4, 2, 64);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String m : dev.autost.domain.benchmark.BenchmarkTable.METRICS) {
            metrics.put(m, (double) m.length());
        }
        TableRow row = new TableRow(g, metrics, 1, List.of(0.5), List.of(2.0), List.of(0.4), 10, 20);
        TableReplay table = new TableReplay(
                "t",
                new TableReplay.Facts("s", "fashion-mnist", 1, "autost", 4, 1),
                Map.of(g.hash(), row),
                Duration.ZERO);
        TableProbe probe = new TableProbe(table);
        assertEquals(Map.of("naswot", 6.0, "sahd", 4.0, "energy_init_pj", 14.0), probe.measure(null, g));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> probe.measure(null, Genome.uniform(1, 2, 2, 32)));
        assertTrue(e.getMessage().contains("is not in the table t"), e.getMessage());
    }
}
