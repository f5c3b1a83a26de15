package dev.autost.domain.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkTableTest {
    static TableRow row(Genome g, double last) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String name : BenchmarkTable.METRICS) {
            m.put(name, 1.5e9 + name.length());
        }
        m.put("naswot", 673.0417848433739);
        return new TableRow(g, m, 1, List.of(0.41, last), List.of(2.1, 1.7), List.of(0.3, 0.45), 58.5, 91.25);
    }

    @Test
    void appendThenRead_givesTheSameRows_headerOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t/table.csv");
        TableRow a = row(Genome.uniform(2, 4, 2, 64), 0.61);
        TableRow b = row(Genome.uniform(1, 2, 4, 32), 0.555);
        BenchmarkTable.append(file, a);
        BenchmarkTable.append(file, b);
        assertEquals(List.of(a, b), BenchmarkTable.read(file));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals(String.join(",", BenchmarkTable.COLUMNS), lines.get(0));
        assertTrue(lines.get(1).contains("\"{\"\"depth\"\":2,"), lines.get(1));
        assertTrue(lines.get(1).contains(",0.41 0.61,2.1 1.7,"), lines.get(1));
    }

    @Test
    void rowWithANaNMetric_readsBackAsWritten(@TempDir Path dir) throws Exception {
        // A NaN proxy was written "nan", and the next start could not read the table (line 194 of
        // docs/study/table/table.csv, 2026-12-08).
        Path file = dir.resolve("table.csv");
        TableRow clean = row(Genome.uniform(2, 4, 2, 64), 0.61);
        Map<String, Double> m = new LinkedHashMap<>(clean.metrics());
        m.put("sahd", Double.NaN);
        m.put("naswot", Double.NaN);
        TableRow nan = new TableRow(
                clean.genome(),
                m,
                1,
                clean.epochTestAccuracies(),
                clean.epochTrainLosses(),
                clean.epochTrainAccuracies(),
                58.5,
                91.25);
        BenchmarkTable.append(file, nan);
        assertTrue(Files.readString(file).contains(",nan,nan,"), Files.readString(file));
        assertEquals(List.of(nan), BenchmarkTable.read(file));
    }

    @Test
    void tornLastLine_isLeftOutAndCutBeforeTheNextAppend(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("table.csv");
        TableRow a = row(Genome.uniform(2, 4, 2, 64), 0.61);
        BenchmarkTable.append(file, a);
        Files.writeString(file, "0123456789abcdef,\"{\"\"depth\"", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertEquals(List.of(a), BenchmarkTable.read(file));
        TableRow b = row(Genome.uniform(1, 2, 4, 32), 0.555);
        BenchmarkTable.append(file, b);
        assertEquals(List.of(a, b), BenchmarkTable.read(file));
    }

    @Test
    void rowWhoseHashIsNotItsGenomes_isRefusedNamingTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("table.csv");
        BenchmarkTable.append(file, row(Genome.uniform(2, 4, 2, 64), 0.61));
        String text = Files.readString(file);
        String hash = Genome.uniform(2, 4, 2, 64).hash();
        Files.writeString(file, text.replace(hash + ",", "0000000000000000,"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.read(file));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("0000000000000000"), e.getMessage());
    }
}
