package dev.autost.cli.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.GenomeCodec;

/** The JSON shapes the CLI writes; field names are a contract other tools read. */
public final class Json {
    public static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private Json() {}

    /** Adds the cost fields to a row that already holds the genome fields. */
    public static void writeCost(ObjectNode row, Genome g, CostEstimate c) {
        row.put("params", c.params());
        row.put("flops_syops", c.flopsSyopsExact());
        row.put("flops_full", c.flopsFull());
        row.put("energy_pj", round(c.energyPj()));
        row.put("energy_full_pj", round(c.energyFullPj()));
        row.put("hash", g.hash());
    }

    /** Genome fields followed by the cost fields. */
    public static ObjectNode row(Genome g, CostEstimate c) {
        ObjectNode row = MAPPER.createObjectNode();
        GenomeCodec.writeFields(g, row);
        writeCost(row, g, c);
        return row;
    }

    /** A double as a plain decimal (no exponent), e.g. 5360503171.125. */
    public static java.math.BigDecimal plain(double v) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(v).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    /**
     * Puts {@code v} as a plain decimal, or, when it is not finite (a probe's minus infinity), as its
     * Java name in a string: JSON has no infinities.
     */
    public static void putPlain(ObjectNode row, String field, double v) {
        if (Double.isFinite(v)) {
            row.put(field, plain(v));
        } else {
            row.put(field, Double.toString(v));
        }
    }

    /** Energy to a tenth of a picojoule, as a plain decimal: finer digits are noise from the rate assumption. */
    public static java.math.BigDecimal round(double pj) {
        return java.math.BigDecimal.valueOf(pj).setScale(1, java.math.RoundingMode.HALF_EVEN);
    }
}
