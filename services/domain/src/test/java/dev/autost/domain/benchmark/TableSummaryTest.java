package dev.autost.domain.benchmark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableSummaryTest {
    @Test
    void markdown_givesSpreadRegretAndTaus_andTheComparisonsWhenGiven() {
        List<TableRow> rows = new ArrayList<>();
        List<TableRow> longer = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Genome g = Genome.uniform(1 + i % 3, i < 3 ? 2 : 4, 2, 32);
            rows.add(BenchmarkTableTest.row(g, 0.5 + 0.01 * i));
            longer.add(BenchmarkTableTest.row(g, 0.6 + 0.01 * i));
        }
        String md = TableSummary.markdown(rows, 252, longer.subList(0, 4), List.of());
        assertTrue(md.startsWith("6 of 252 architectures"), md);
        assertTrue(md.contains("| 0.5500 | 0.5250 | 0.5000 |"), md);
        assertTrue(md.contains("| 6 | 0.5500 | 0.0000 |"), md);
        assertTrue(md.contains("| test accuracy after epoch 1 |"), md);
        assertTrue(md.contains("Longer training: 4 architectures"), md);
        assertTrue(md.contains("mean |difference| of the final test accuracy 0.1000"), md);
        assertTrue(!md.contains("Another seed"), md);
    }
}
