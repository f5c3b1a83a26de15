package dev.autost.cli.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autost.cli.options.CommonOptions.BackboneOptions;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.cost.EnergyModel;
import dev.autost.domain.cost.FiringRates;
import dev.autost.domain.model.ModelSetting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The model setting and firing rates, shared by commands that score single genomes. */
public final class ModelOptions {
    @Option(names = "--classes", description = "Classifier outputs (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int classes;

    @Mixin
    BackboneOptions network;

    @Option(
            names = "--img-size",
            description = "Square input side in pixels (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int imageSize;

    @Option(names = "--patch-size", description = "1, 2, 4, 8 or 16 (default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int patchSize;

    @Option(names = "--channels", description = "Input channels (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int channels;

    @Option(
            names = "--syops-batch",
            description =
                    "Batch of the official counter's forward call; its bias term is divided by it (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int syopsBatch;

    @Option(
            names = "--firing-rate",
            description =
                    "Firing rate assumed for every neuron layer (default: ${DEFAULT-VALUE}, an assumption, not a measurement).",
            defaultValue = "" + FiringRates.DEFAULT_RATE)
    double firingRate;

    @Option(
            names = "--firing-rates",
            paramLabel = "FILE",
            description =
                    "JSON object of measured rates per neuron layer, e.g. {\"stem.lif1\": 0.21, \"blocks.0.attn.q_lif\": 0.08}; other layers use --firing-rate.")
    Path firingRatesFile;

    /** @throws IllegalArgumentException when the sizes do not fit together */
    public ModelSetting setting() {
        return new ModelSetting(
                network.backbone(), imageSize, channels, patchSize, classes, network.timeSteps(), syopsBatch);
    }

    /** The assumed rate, or the measured ones from {@code --firing-rates} with the assumed rate elsewhere. */
    public FiringRates rates() {
        if (firingRatesFile == null) {
            return FiringRates.uniform(firingRate);
        }
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(firingRatesFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --firing-rates " + firingRatesFile + ": " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(
                    "--firing-rates " + firingRatesFile + " must hold a JSON object of layer -> rate");
        }
        Map<String, Double> rates = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException(
                        "--firing-rates: " + e.getKey() + " must be a number, got " + e.getValue());
            }
            rates.put(e.getKey(), e.getValue().asDouble());
        }
        return FiringRates.perLayer(rates, firingRate);
    }

    public CostModel costModel() {
        return new CostModel(setting(), rates(), EnergyModel.CMOS_45NM);
    }
}
