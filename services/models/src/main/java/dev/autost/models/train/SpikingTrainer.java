package dev.autost.models.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.ModelSetting;
import dev.autost.models.data.Batches;
import dev.autost.models.data.ImageDataset;
import dev.autost.models.nn.SpikingTransformer;
import dev.autost.models.proxy.InitProxies;
import dev.autost.models.proxy.SpikeKernels;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one {@link SpikingTransformer} with the {@link Recipe} recipe: AdamW,
 * linear warm-up + cosine schedule, label smoothing, optional mixup, per-epoch
 * evaluation on the test split, firing rates of every neuron layer at initialisation
 * (batch statistics) and after each epoch (test split, evaluation mode), a checkpoint after each epoch and resume from it.
 *
 * <p>Neuron membranes start at 0 in every forward call, so the network state is reset
 * per batch by construction. Each step runs in its own NDManager, closed after the
 * optimiser update.
 *
 * <p>Determinism: the model is initialised from {@code seed}; epoch e shuffles,
 * augments and mixes with {@code Random(seed, e)}. Resuming at an epoch boundary
 * therefore replays exactly what an uninterrupted run would do (on CPU with one
 * intra-op thread; GPU kernels may not be bitwise deterministic).
 *
 * <p>Not thread-safe; one trainer per thread. Trainers on different threads run concurrently
 * and each gives what it would give alone ({@link ThreadAutograd}). Close it to free native memory.
 */
public final class SpikingTrainer implements AutoCloseable {
    private static final Object SEEDED_INIT = new Object();

    private final SpikingTransformer model;
    private final Recipe config;
    private final NDManager manager;
    /**
     * Serves the parameters' arrays to forward passes and caches them on first use, so it must
     * be replaced whenever loading swaps the arrays (see {@link #parametersReplaced}).
     */
    private ParameterStore store;

    private final List<Parameter> trainable = new ArrayList<>();
    private static final Logger LOG = LoggerFactory.getLogger(SpikingTrainer.class);
    private final AdamW optimizer;

    /**
     * Builds and initialises the model for {@code genome} on {@code device}.
     *
     * @throws dev.autost.domain.genome.InvalidGenomeException if the genome cannot be built
     */
    public SpikingTrainer(Genome genome, ModelSetting setting, Recipe config, Device device) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = SpikingTransformer.build(genome, setting);
        this.manager = NDManager.newBaseManager(device);
        OneDnn.applySetting();
        ThreadAutograd.disableOnThisThread();
        // libtorch's generator is process-wide: trainers on other threads must not draw from it
        // between this seed and the last initial weight, or the same seed gives another model.
        synchronized (SEEDED_INIT) {
            Engine.getInstance().setRandomSeed((int) config.seed());
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        }
        for (Parameter p : model.getParameters().values()) {
            if (p.requiresGradient()) {
                trainable.add(p);
            }
        }
        this.store = new ParameterStore(manager, false);
        this.optimizer = new AdamW(manager, trainable, config.weightDecay());
    }

    /** Resolves {@code cpu}, {@code gpu} or {@code gpu:N}; {@code gpu} without a GPU is an error. */
    public static Device device(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        int gpus = Engine.getInstance().getGpuCount();
        int id = n.startsWith("gpu:") ? Integer.parseInt(n.substring(4)) : 0;
        if (!n.startsWith("gpu") || id >= gpus) {
            throw new IllegalArgumentException("device '" + name + "' is not available (cpu, or gpu with " + gpus
                    + " GPUs visible to the PyTorch engine)");
        }
        return Device.gpu(id);
    }

    public SpikingTransformer model() {
        return model;
    }

    /** Trainable parameter count (equals the cost model's {@code params}). */
    public long params() {
        return model.trainableParameterCount();
    }

    /**
     * Trains for {@code config.epochs()} epochs, resuming from {@code checkpointDir} when it
     * holds a checkpoint of the same genome.
     *
     * @throws TrainingDivergedException if the loss becomes NaN or infinite
     */
    public FitResult fit(ImageDataset train, ImageDataset test, Optional<Path> checkpointDir, EpochListener listener) {
        // Decaying membrane potentials make denormals; flush them on this (the only op) thread.
        // -Dautost.flush-denormals=false turns it off (to measure what it is worth).
        int mxcsr = Boolean.parseBoolean(System.getProperty("autost.flush-denormals", "true"))
                ? Denormals.flushOnThisThread()
                : -1;
        try {
            return fitFlushed(train, test, checkpointDir, listener);
        } finally {
            Denormals.restore(mxcsr);
        }
    }

    private FitResult fitFlushed(
            ImageDataset train, ImageDataset test, Optional<Path> checkpointDir, EpochListener listener) {
        ThreadAutograd.disableOnThisThread();
        checkCompatible(train);
        checkCompatible(test);
        EpochTrainer epochs = new EpochTrainer(model, optimizer, config, train);
        List<EpochReport> history = new ArrayList<>();
        Map<String, Double> initialRates;
        int startEpoch = 0;
        if (checkpointDir.isPresent() && Checkpoint.exists(checkpointDir.get())) {
            Checkpoint.Header h = loadCheckpoint(checkpointDir.get());
            startEpoch = h.completedEpochs();
            history.addAll(h.history());
            initialRates = h.initialRates();
        } else {
            initialRates = measureFiringRates(test, config.firingRateImages());
        }

        double lastIps = Double.NaN;
        for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
            EpochTrainer.Steps steps = trainEpochTwiceIfDiverged(epochs, epoch, listener);
            lastIps = steps.imagesPerSecond();
            model.startRecording();
            double testAcc = evaluate(test);
            Map<String, Double> rates = model.stopRecording();
            EpochReport report = new EpochReport(
                    epoch, steps.loss(), steps.trainAccuracy(), testAcc, lastIps, steps.seconds(), rates);
            history.add(report);
            if (checkpointDir.isPresent()) {
                saveCheckpoint(checkpointDir.get(), epoch + 1, history, initialRates);
            }
            if (!listener.onEpoch(report) && epoch + 1 < config.epochs()) {
                break;
            }
        }
        EpochReport last = history.isEmpty() ? null : history.get(history.size() - 1);
        return new FitResult(
                last == null ? evaluate(test) : last.testAccuracy(),
                last == null ? Double.NaN : last.trainLoss(),
                Double.isNaN(lastIps) && last != null ? last.imagesPerSecond() : lastIps,
                params(),
                last == null ? initialRates : last.firingRates(),
                initialRates,
                history);
    }

    /**
     * Trains epoch {@code epoch}, and once more from its start (the same batches in the same
     * order) when it diverges: a diverging recipe diverges again; a non-finite loss also came now
     * and then from a sound recipe and not again (cause not found yet: docs/training.md#divergence).
     *
     * @throws TrainingDivergedException when the second try diverges too, naming both
     */
    private EpochTrainer.Steps trainEpochTwiceIfDiverged(EpochTrainer epochs, int epoch, EpochListener listener) {
        String divergedOnce = null;
        while (true) {
            try (EpochStart epochStart = new EpochStart(manager, model, optimizer)) {
                try {
                    EpochTrainer.Steps steps = epochs.train(epoch, manager, store, listener);
                    requireFiniteParameters(epoch);
                    return steps;
                } catch (TrainingDivergedException e) {
                    if (divergedOnce != null) {
                        throw new TrainingDivergedException(
                                e.getMessage() + " (and on the first try of this epoch: " + divergedOnce + ")");
                    }
                    // The NaN seen so far came from oneDNN's convolution (docs/training.md#divergence):
                    // the second try runs on ATen's kernels, for every training of this process.
                    if (OneDnn.disable()) {
                        LOG.warn("oneDNN turned off for this process after a non-finite result (slower, and sound)");
                    }
                    LOG.warn("{}; training epoch {} once more from its start", e.getMessage(), epoch + 1);
                    epochStart.restore();
                    divergedOnce = e.getMessage();
                }
            }
        }
    }

    /**
     * A step's loss is checked before its update, so the epoch's last update could leave
     * non-finite weights unnoticed until the next epoch, after they were evaluated and
     * checkpointed: every later try, and every continuation of a rung, would then start from
     * them. Checked once per epoch, before anything is kept.
     */
    private void requireFiniteParameters(int epoch) {
        String bad = firstNonFiniteParameter();
        if (bad != null) {
            throw new TrainingDivergedException("parameter " + bad + " is not finite after epoch " + (epoch + 1));
        }
    }

    /**
     * The name of the first parameter holding a NaN or an infinity, or null when all are finite:
     * a sum is finite exactly when its terms are (weights this far from overflowing a float
     * have diverged anyway).
     */
    private String firstNonFiniteParameter() {
        try (NDManager tmp = manager.newSubManager()) {
            for (Map.Entry<String, Parameter> e : model.getParameters().toMap().entrySet()) {
                NDArray sum = e.getValue().getArray().sum();
                sum.attach(tmp);
                if (!Float.isFinite(sum.getFloat())) {
                    return e.getKey();
                }
            }
            return null;
        }
    }

    /** Top-1 accuracy on {@code data} in evaluation mode (BN running statistics). */
    public double evaluate(ImageDataset data) {
        checkCompatible(data);
        Batches batches = new Batches(data, false);
        int eb = config.evalBatchSize();
        float[] buf = new float[eb * data.imageBytes()];
        int[] order = new int[data.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        long correct = 0;
        for (int from = 0; from < data.count(); from += eb) {
            int n = Math.min(eb, data.count() - from);
            batches.fill(order, from, n, buf, null);
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(Arrays.copyOf(buf, n * data.imageBytes()), model.inputShape(n));
                long[] pred = model.forward(store, new NDList(x), false)
                        .singletonOrThrow()
                        .argMax(1)
                        .toLongArray();
                for (int i = 0; i < n; i++) {
                    if (pred[i] == data.labels()[from + i]) {
                        correct++;
                    }
                }
            }
        }
        return data.count() == 0 ? Double.NaN : correct / (double) data.count();
    }

    /**
     * Firing rate of every neuron layer on the first {@code images} images, with BatchNorm
     * on batch statistics (as a freshly built PyTorch model in train mode, which is how
     * rates "at initialisation" are meant: with untrained running statistics every BN is
     * the identity and most layers would not fire at all). The running statistics that
     * these forward passes update are restored afterwards, so measuring changes nothing.
     */
    public Map<String, Double> measureFiringRates(ImageDataset data, int images) {
        checkCompatible(data);
        model.startRecording();
        forwardOnBatchStatistics(data.limit(images), config.evalBatchSize());
        return model.stopRecording();
    }

    /**
     * The training-free proxies of the model as it is now (call it before training): NASWOT and
     * SAHD from the spike codes of the first {@code batch} images of {@code data}, one forward
     * pass on batch statistics as in {@link #measureFiringRates}, plus that pass's firing rates.
     * Changes nothing in the model.
     */
    public InitProxies measureProxies(ImageDataset data, int batch) {
        checkCompatible(data);
        if (data.count() < batch) {
            throw new IllegalArgumentException(
                    "the proxies need " + batch + " images, the dataset has " + data.count());
        }
        SpikeKernels kernels = new SpikeKernels(model.timeSteps(), batch);
        model.neurons().values().forEach(n -> n.observe(kernels));
        model.startRecording();
        try {
            forwardOnBatchStatistics(data.limit(batch), batch);
        } finally {
            model.neurons().values().forEach(n -> n.observe(null));
        }
        Map<String, Double> rates = model.stopRecording();
        return new InitProxies(kernels.naswot(), kernels.sahd(), rates, batch);
    }

    /** Forward passes in train mode (batch-statistic BN) over all of {@code subset}; running statistics restored. */
    private void forwardOnBatchStatistics(ImageDataset subset, int eb) {
        List<Parameter> running = new ArrayList<>();
        List<float[]> saved = new ArrayList<>();
        for (Parameter p : model.getParameters().values()) {
            if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR) {
                running.add(p);
                saved.add(p.getArray().toFloatArray());
            }
        }
        Batches batches = new Batches(subset, false);
        float[] buf = new float[eb * subset.imageBytes()];
        int[] order = new int[subset.count()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        try {
            for (int from = 0; from < subset.count(); from += eb) {
                int n = Math.min(eb, subset.count() - from);
                batches.fill(order, from, n, buf, null);
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.create(Arrays.copyOf(buf, n * subset.imageBytes()), model.inputShape(n));
                    model.forward(store, new NDList(x), true);
                }
            }
        } finally {
            for (int i = 0; i < running.size(); i++) {
                ArrayContents.replace(running.get(i).getArray(), saved.get(i));
            }
        }
    }

    /** Writes only the parameters (for evaluation elsewhere) to {@code file}. */
    public void saveModel(Path file) {
        try {
            AtomicFile.write(file, model::saveParameters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads parameters written by {@link #saveModel} into this trainer's model. */
    public void loadModel(Path file) {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            model.loadParameters(manager, in);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException(file + ": cannot load model parameters: " + e.getMessage(), e);
        }
        parametersReplaced();
    }

    /**
     * Loading gives every parameter a new array, but the store keeps serving the arrays it cached
     * on the first forward pass (proxies, initial firing rates): without a fresh store a resumed
     * run would train and evaluate the initial weights while the loaded ones sit unused.
     */
    private void parametersReplaced() {
        store = new ParameterStore(manager, false);
    }

    String modelId() {
        return model.setting().backbone().id() + " " + model.genome().canonicalJson() + " T=" + model.timeSteps();
    }

    private void saveCheckpoint(Path dir, int completed, List<EpochReport> history, Map<String, Double> initial) {
        try {
            Checkpoint.save(
                    dir,
                    new Checkpoint.Header(modelId(), completed, history, initial),
                    model::saveParameters,
                    optimizer::save);
        } catch (IOException e) {
            throw new CheckpointWriteException(dir, e);
        }
    }

    private Checkpoint.Header loadCheckpoint(Path dir) {
        try {
            return Checkpoint.load(
                    dir,
                    modelId(),
                    in -> {
                        try {
                            model.loadParameters(manager, in);
                        } catch (MalformedModelException e) {
                            throw new IOException(e.getMessage(), e);
                        }
                        // Loading replaces the arrays: re-enable gradients on the new ones.
                        for (Parameter p : trainable) {
                            p.getArray().setRequiresGradient(true);
                        }
                        parametersReplaced();
                        // Written by a build that kept diverged weights: training on from it
                        // could only diverge again.
                        String bad = firstNonFiniteParameter();
                        if (bad != null) {
                            throw new IOException("parameter " + bad + " in the checkpoint is not finite");
                        }
                    },
                    optimizer::load);
        } catch (IOException e) {
            throw new UnreadableCheckpointException(dir, e);
        }
    }

    private void checkCompatible(ImageDataset d) {
        ModelSetting s = model.setting();
        if (d.channels() != s.channels()
                || d.height() != s.imageSize()
                || d.width() != s.imageSize()
                || d.classes() != s.classes()) {
            throw new IllegalArgumentException(d.name() + " is " + d.height() + "x" + d.width() + "x" + d.channels()
                    + " with " + d.classes() + " classes; the model expects " + s.imageSize() + "x" + s.imageSize()
                    + "x" + s.channels() + " with " + s.classes());
        }
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
