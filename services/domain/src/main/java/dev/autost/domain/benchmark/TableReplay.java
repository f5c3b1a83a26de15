package dev.autost.domain.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Answers training requests from a table instead of training: the replay trainer
 * ({@code --table}). A request of {@code e} epochs on the table's schedule is the table's figures
 * after epoch {@code e} (a rung of a halving schedule up to the table's epochs); a genome, dataset,
 * backbone, T or schedule the table lacks is refused with the reason.
 *
 * @param name       what the results name as their source: the space, seed and file
 * @param facts      what every row was trained with (from recipe.json)
 * @param rows       the rows by genome hash
 * @param epochDelay wall time a replayed epoch takes (zero: at once), to exercise scheduling
 */
public record TableReplay(String name, Facts facts, Map<String, TableRow> rows, Duration epochDelay) {
    /** What the table's trainings share, as recipe.json states it. */
    public record Facts(String space, String dataset, int epochs, String backbone, int timeSteps, long seed) {}

    /** A request's answer: the row and the epochs it asked for, or why the table cannot answer. */
    public record Answer(TableRow row, int epochs, String refusal) {
        public boolean replayed() {
            return refusal == null;
        }
    }

    public TableReplay {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(facts, "facts");
        rows = Map.copyOf(rows);
        if (epochDelay.isNegative()) {
            throw new IllegalArgumentException("the replay delay per epoch must not be negative, got " + epochDelay);
        }
    }

    /**
     * Reads {@code table} and the recipe beside it.
     *
     * @throws IllegalArgumentException naming the file when either is missing, malformed or empty
     */
    public static TableReplay load(Path table, Duration epochDelay) {
        Path recipe = BenchmarkTable.recipeFile(table);
        if (!Files.isRegularFile(table)) {
            throw new IllegalArgumentException("--table " + table + ": no such file");
        }
        if (!Files.isRegularFile(recipe)) {
            throw new IllegalArgumentException(
                    "--table " + table + ": its recipe " + recipe + " is missing (autost bench table writes it)");
        }
        JsonNode r;
        try {
            r = new ObjectMapper().readTree(recipe.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(recipe + ": cannot read the table's recipe", e);
        }
        for (String key : List.of("space", "dataset", "epochs", "backbone", "time_steps", "seed")) {
            if (!r.hasNonNull(key)) {
                throw new IllegalArgumentException(recipe + ": no '" + key + "'");
            }
        }
        Facts facts = new Facts(
                r.get("space").asText(),
                r.get("dataset").asText(),
                r.get("epochs").asInt(),
                r.get("backbone").asText(),
                r.get("time_steps").asInt(),
                r.get("seed").asLong());
        Map<String, TableRow> byHash = new LinkedHashMap<>();
        for (TableRow row : BenchmarkTable.read(table)) {
            if (row.epochs() != facts.epochs()) {
                throw new IllegalArgumentException(table + ": row " + row.hash() + " has " + row.epochs()
                        + " epochs, the recipe " + facts.epochs());
            }
            byHash.put(row.hash(), row);
        }
        if (byHash.isEmpty()) {
            throw new IllegalArgumentException("--table " + table + ": no rows");
        }
        return new TableReplay(
                facts.space() + " table (seed " + facts.seed() + ", " + table.getFileName() + ")",
                facts,
                byHash,
                epochDelay);
    }

    /** The same table with another delay per replayed epoch. */
    public TableReplay withEpochDelay(Duration delay) {
        return new TableReplay(name, facts, rows, delay);
    }

    /**
     * The table's answer to a request (empty dataset and backbone, and T 0, mean the defaults:
     * fashion-mnist, autost, 4; schedule 0 means the request's own epochs).
     */
    public Answer answer(
            String genomeHash, String dataset, int epochs, int scheduleEpochs, String backbone, int timeSteps) {
        String ds = dataset.isEmpty() ? "fashion-mnist" : dataset;
        String bb = backbone.isEmpty() ? "autost" : backbone;
        int t = timeSteps > 0 ? timeSteps : 4;
        int schedule = scheduleEpochs > 0 ? scheduleEpochs : epochs;
        if (!ds.equals(facts.dataset()) || !bb.equals(facts.backbone()) || t != facts.timeSteps()) {
            return refused(String.format(
                    "the table %s holds %s, %s, T=%d; the request asks for %s, %s, T=%d",
                    name, facts.dataset(), facts.backbone(), facts.timeSteps(), ds, bb, t));
        }
        if (epochs < 1 || epochs > facts.epochs() || schedule != facts.epochs()) {
            return refused(String.format(
                    "the table %s holds trainings of up to %d epochs on a %d-epoch schedule; the request asks for"
                            + " %d epoch(s) on a %d-epoch schedule",
                    name, facts.epochs(), facts.epochs(), epochs, schedule));
        }
        TableRow row = rows.get(genomeHash);
        if (row == null) {
            return refused("genome " + genomeHash + " is not in the table " + name + " (" + rows.size()
                    + " architectures of the space " + facts.space() + ")");
        }
        return new Answer(row, epochs, null);
    }

    private static Answer refused(String reason) {
        return new Answer(null, 0, reason);
    }
}
