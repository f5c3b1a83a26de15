package dev.autost.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.autost.domain.AutostException;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a submitted experiment (JSON or YAML) into a checked {@link ExperimentSpec}:
 *
 * <pre>
 * space: small            # a built-in name, or a mapping with a whole search space
 * strategy: evolution     # evolution | random | pareto | stratified | uniform
 * seed: 42
 * generations: 20
 * population: 50
 * parents: 10
 * train_top_k: 0
 * train_selection: distinct-shapes   # or top-k (the paper's rule)
 * objective: flops_syops  # or flops_full, params, energy_pj, sahd, naswot, energy_init_pj, rank-mean:A,B
 * probe_fraction: 1       # with a probe objective: the best fraction of a generation probed
 * calibration_size: 8     # with objective calibrated: first-generation candidates trained first
 * epochs: 1
 * rung_epochs: [1, 3, 9]  # optional: successive halving over the trained candidates (then epochs: the top rung)
 * eta: 3                  # with rung_epochs: one in eta of a rung's finished candidates goes on
 * train_budget_epochs: 0  # with rung_epochs: budget in epochs of the training set (0: train_top_k enter)
 * dataset: fashion-mnist
 * experiment_id: my-run   # optional; generated when absent
 * </pre>
 * Every problem is a {@link BadSubmissionException} naming the field; nothing is published
 * until the whole spec passed the same checks the sampler applies.
 */
public final class SubmissionParser {
    private static final Set<String> KEYS = Set.of(
            "space",
            "strategy",
            "seed",
            "generations",
            "population",
            "parents",
            "train_top_k",
            "train_selection",
            "objective",
            "probe_fraction",
            "calibration_size",
            "epochs",
            "rung_epochs",
            "eta",
            "train_budget_epochs",
            "rung_metric",
            "warm_start",
            "dataset",
            "experiment_id");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Clock clock;

    public SubmissionParser(Clock clock) {
        this.clock = clock;
    }

    /** A submission was refused; the message names the field. */
    public static final class BadSubmissionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadSubmissionException(String message) {
            super(message);
        }
    }

    public ExperimentSpec parse(String body) {
        JsonNode root;
        try {
            root = YAML.readTree(body); // YAML 1.1 reads JSON too
        } catch (JsonProcessingException e) {
            throw new BadSubmissionException("body is neither JSON nor YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadSubmissionException("body must be an object with at least 'space'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new BadSubmissionException(
                        k + ": unknown key (known: " + KEYS.stream().sorted().toList() + ")");
            }
        }
        JsonNode space = root.get("space");
        SearchSpace s;
        try {
            if (space == null || space.isNull()) {
                throw new BadSubmissionException("space: required (a built-in name such as small, or a space mapping)");
            } else if (space.isTextual()) {
                if (!SearchSpaces.BUILT_IN.contains(space.asText())) {
                    throw new BadSubmissionException("space: unknown built-in space '" + space.asText()
                            + "' (expected one of " + SearchSpaces.BUILT_IN + " or a mapping)");
                }
                s = SearchSpaces.builtIn(space.asText());
            } else {
                s = SearchSpaces.parse(YAML.writeValueAsString(space));
            }
        } catch (JsonProcessingException e) {
            throw new BadSubmissionException("space: " + e.getOriginalMessage());
        } catch (AutostException e) {
            throw new BadSubmissionException("space." + e.getMessage());
        }
        String id = text(
                root, "experiment_id", "exp-" + UUID.randomUUID().toString().substring(0, 12));
        ExperimentSpec spec = ExperimentPlan.specBuilder(
                        id,
                        s,
                        text(root, "strategy", "evolution"),
                        number(root, "seed", 42, Long.MAX_VALUE),
                        (int) number(root, "population", 50, 100_000),
                        (int) number(root, "generations", 20, 10_000),
                        (int) number(root, "parents", 0, 100_000))
                .setTrainTopK((int) number(root, "train_top_k", 0, 10_000))
                .setTrainSelection(text(root, "train_selection", TrainingSelection.DEFAULT.id()))
                .setObjective(text(root, "objective", Objective.DEFAULT.id()))
                .setProbeFraction(fraction(root, "probe_fraction"))
                .setCalibrationSize((int) number(root, "calibration_size", 0, 100_000))
                .setEpochs((int) number(root, "epochs", root.has("rung_epochs") ? 0 : 1, 10_000))
                .addAllRungEpochs(rungEpochs(root))
                .setEta((int) number(root, "eta", 0, 100_000))
                .setRungMetric(text(root, "rung_metric", ""))
                .setWarmStart(text(root, "warm_start", ""))
                .setTrainBudgetEpochs((int) number(root, "train_budget_epochs", 0, 1_000_000))
                .setDataset(text(root, "dataset", "fashion-mnist"))
                .setCreatedAtMs(clock.millis())
                .build();
        try {
            ExperimentPlan.fromSpec(spec).checkFeasible();
        } catch (RuntimeException e) {
            throw new BadSubmissionException(e.getMessage());
        }
        return spec;
    }

    /** {@code rung_epochs}: a list of whole numbers, or the same as text ({@code "1,3,9"}); empty when absent. */
    private static List<Integer> rungEpochs(JsonNode root) {
        JsonNode v = root.get("rung_epochs");
        if (v == null || v.isNull()) {
            return List.of();
        }
        List<Integer> out = new ArrayList<>();
        if (v.isTextual()) {
            for (String part : v.asText().split(",", -1)) {
                try {
                    out.add(Integer.parseInt(part.strip()));
                } catch (NumberFormatException e) {
                    throw new BadSubmissionException(
                            "rung_epochs: whole numbers expected, e.g. [1, 3, 9]; got '" + v.asText() + "'");
                }
            }
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.canConvertToInt() || !e.isIntegralNumber() || e.asInt() < 1 || e.asInt() > 10_000) {
                    throw new BadSubmissionException("rung_epochs: whole numbers from 1 to 10000 expected, got " + v);
                }
                out.add(e.asInt());
            }
        } else {
            throw new BadSubmissionException("rung_epochs: a list such as [1, 3, 9] expected, got " + v);
        }
        return out;
    }

    /** A number in (0, 1], or 1 when absent. */
    private static double fraction(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return 1.0;
        }
        if (!v.isNumber() || !(v.asDouble() > 0 && v.asDouble() <= 1)) {
            throw new BadSubmissionException(key + ": must be a number in (0, 1], got " + v);
        }
        return v.asDouble();
    }

    private static String text(JsonNode root, String key, String dflt) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadSubmissionException(key + ": must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static long number(JsonNode root, String key, long dflt, long max) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > max) {
            throw new BadSubmissionException(key + ": must be an integer in [0, " + max + "], got " + v);
        }
        return v.asLong();
    }
}
