package dev.autost.cli.bench;

import dev.autost.cli.options.CommonOptions.DeviceOptions;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.ModelSetting;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.models.data.Datasets;
import dev.autost.models.data.SyntheticImages;
import dev.autost.models.train.DjlSettings;
import dev.autost.models.train.ProxyProbe;
import dev.autost.models.train.TrainingRun;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench probe}: candidates probed per second (the prober's work: build and initialise
 * the untrained network, one forward pass over a batch, the two spike kernels and the energy).
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = {
            "Probes random feasible genomes of each space as the prober service does and prints candidates/s,",
            "the median and slowest probe and the process's peak RSS. Fashion-MNIST feeds 28x28x1 spaces;",
            "other geometries get synthetic images of their shape (a probe's cost does not depend on pixel values)."
        })
final class BenchProbeCommand implements Callable<Integer> {
    @Option(
            names = "--space",
            split = ",",
            description = "Spaces to probe (default: ${DEFAULT-VALUE}).",
            defaultValue = "fashion-micro,small")
    List<String> spaces;

    @Option(
            names = "--candidates",
            description = "Genomes probed per space after one unmeasured warm-up (default: ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int candidates;

    @Mixin
    DeviceOptions host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (candidates < 1) {
            throw new IllegalArgumentException("--candidates must be at least 1, got " + candidates);
        }
        DjlSettings.applyDefaults(); // as the prober: offline, one intra-op thread
        PrintWriter out = spec.commandLine().getOut();
        int images = TrainingRun.DEFAULT_PROXY_IMAGES;
        out.printf(
                "bench probe: %d candidates per space, %d images a probe, %s, %s%n",
                candidates, images, host.device(), Runtime.version());
        out.flush();
        for (String name : spaces) {
            SearchSpace s = SearchSpaces.resolve(name);
            ModelSetting m = s.modelSetting();
            boolean fashion = m.imageSize() == 28 && m.channels() == 1;
            Datasets.Loaded data =
                    fashion ? new Datasets(host.dataDir(), images, 1).get("fashion-mnist") : synthetic(m, images);
            ProxyProbe probe = new ProxyProbe(data, host.device(), images);
            List<Genome> genomes = feasible(s, candidates + 1);
            probe.measure(genomes.get(0), s.setting().backbone(), m.timeSteps(), 1); // warm-up
            double[] ms = new double[candidates];
            long t0 = System.nanoTime();
            for (int i = 0; i < candidates; i++) {
                long t = System.nanoTime();
                probe.measure(genomes.get(i + 1), s.setting().backbone(), m.timeSteps(), 1);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(ms);
            out.printf(
                    "%-14s %s data, T=%d: %.2f candidates/s, median %.0f ms, slowest %.0f ms; peak RSS %.2f GB%n",
                    s.name(),
                    fashion ? "Fashion-MNIST" : "synthetic " + m.imageSize() + "x" + m.imageSize() + "x" + m.channels(),
                    m.timeSteps(),
                    candidates / seconds,
                    ms[ms.length / 2],
                    ms[ms.length - 1],
                    ProcessMemory.peakRssGb());
            out.flush();
        }
        return 0;
    }

    private static Datasets.Loaded synthetic(ModelSetting m, int images) {
        var train = SyntheticImages.generate(images, m.classes(), m.channels(), m.imageSize(), 1);
        return new Datasets.Loaded(train, train, m.imageSize(), m.channels(), m.classes(), false);
    }

    /** The first {@code n} feasible genomes of a seeded sample: what a search would score. */
    private static List<Genome> feasible(SearchSpace s, int n) {
        Feasibility f = Feasibility.of(s);
        SplittableRandom rng = new SplittableRandom(1);
        List<Genome> out = new ArrayList<>(n);
        for (int tries = 0; out.size() < n && tries < 1_000_000; tries++) {
            Genome g = s.sample(rng);
            if (f.admits(g)) {
                out.add(g);
            }
        }
        if (out.size() < n) {
            throw new IllegalArgumentException("space " + s.name() + " has too few feasible genomes");
        }
        return out;
    }
}
