package dev.autost.prober;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.domain.genome.Genome;
import dev.autost.messaging.codec.ExperimentPlan;
import java.util.Map;

/**
 * The prober's answer from a tabulated benchmark ({@code --table}): the proxies the table
 * measured on the untrained network, so that no network is built. A genome the table lacks
 * fails its probe naming why (the handler ranks it last and dead-letters the reason).
 */
public final class TableProbe {
    private final TableReplay table;

    public TableProbe(TableReplay table) {
        this.table = table;
    }

    /**
     * The table's proxies of {@code genome}.
     *
     * @throws IllegalArgumentException when the table lacks it
     */
    public Map<String, Double> measure(ExperimentPlan plan, Genome genome) {
        TableRow row = table.rows().get(genome.hash());
        if (row == null) {
            throw new IllegalArgumentException("genome " + genome.hash() + " is not in the table " + table.name());
        }
        return row.proxies();
    }
}
