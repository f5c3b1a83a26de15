package dev.autost.cli.options;

import dev.autost.domain.model.Backbone;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.domain.space.Window;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Option;

/**
 * The small option groups several commands share, each a picocli mixin declared once here so
 * an option reads and defaults alike in every command. Where commands need different defaults
 * for the same option, the group takes them in its constructor, and each command's help shows
 * its own. The larger groups have files of their own ({@link ModelOptions}, {@link
 * TrainerOptions}, {@link ApiOptions}, {@link ClusterOption}, {@link PipelineOptions}, {@link
 * ObjectiveOption}, {@link HalvingOptions}, {@link ConcurrencyOption}, {@link StoredTopicsOption},
 * {@link SamplerLimitsOption}).
 */
public final class CommonOptions {
    private CommonOptions() {}

    /** {@code --train-selection}: which of a search's top candidates are trained. */
    public static final class TrainSelectionOption {
        @Option(
                names = "--train-selection",
                paramLabel = "RULE",
                description = "Which of the best candidates are trained: distinct-shapes (the best of each (D, depth,"
                        + " sorted MLP ratios) shape: FLOPs ignore heads, so a plain top-k repeats one network) or"
                        + " top-k (the paper's rule). Default: ${DEFAULT-VALUE}.",
                defaultValue = "distinct-shapes",
                converter = Converter.class)
        TrainingSelection selection;

        public TrainingSelection selection() {
            return selection;
        }

        /** The domain's names and error message. */
        static final class Converter implements picocli.CommandLine.ITypeConverter<TrainingSelection> {
            @Override
            public TrainingSelection convert(String value) {
                return TrainingSelection.parse(value);
            }
        }
    }

    /** How the topics a command creates are laid out; topics that exist keep theirs. */
    public static final class TopicOptions {
        @Option(
                names = "--partitions",
                description = "Partitions of topics this process creates (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.PARTITIONS)
        int partitions;

        @Option(
                names = "--replication",
                description = "Replication of topics this process creates (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.REPLICATION)
        short replication;

        public int partitions() {
            return partitions;
        }

        public short replication() {
            return replication;
        }
    }

    /** The space to search, by name or YAML file, and overrides of its parameter window. */
    public static final class SpaceOptions {
        @Option(
                names = "--space",
                description =
                        "tiny, small, base, fashion-micro, fashion-table or a YAML file (default: ${DEFAULT-VALUE}).")
        String space;

        @Option(names = "--params-min", description = "Override the space's lower parameter bound, e.g. 11e6.")
        Double paramsMin;

        @Option(names = "--params-max", description = "Override the space's upper parameter bound, e.g. 12e6.")
        Double paramsMax;

        /** The {@link Defaults#SPACE} space unless the options say otherwise. */
        public SpaceOptions() {
            this(Defaults.SPACE);
        }

        /** {@code space} unless the options say otherwise (a command's own default). */
        public SpaceOptions(String space) {
            this.space = space;
        }

        /**
         * The space with the overridden bounds.
         *
         * @throws IllegalArgumentException naming the built-in spaces when the name is none of them
         */
        public SearchSpace resolve() {
            SearchSpace s = SearchSpaces.resolve(space);
            if (paramsMin == null && paramsMax == null) {
                return s;
            }
            Window w = s.constraints().params();
            return s.withConstraints(s.constraints()
                    .withParams(new Window(
                            paramsMin != null ? paramsMin : w.min(), paramsMax != null ? paramsMax : w.max())));
        }
    }

    /** The size of an evolution: candidates per generation and generations bred. */
    public static final class EvolutionOptions {
        @Option(
                names = "--population",
                description =
                        "Candidates per generation of the evolution; mutations and crossovers stay half each (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.POPULATION)
        int population;

        @Option(
                names = "--generations",
                description =
                        "Generations of the evolution bred after the random first one (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.GENERATIONS)
        int generations;

        public int population() {
            return population;
        }

        public int generations() {
            return generations;
        }

        /** The official evolution at this size, with the given parents and seed. */
        public EvolutionSettings settings(int parents, long seed) {
            return EvolutionSettings.builder()
                    .populationWithOfficialSplit(population)
                    .parents(parents)
                    .generations(generations)
                    .seed(seed)
                    .build();
        }
    }

    /** What a trained architecture learns from, and for how long. */
    public static final class DatasetOptions {
        @Option(
                names = "--dataset",
                description = "Training dataset: fashion-mnist, cifar10 or cifar100 (default: ${DEFAULT-VALUE}).",
                defaultValue = Defaults.DATASET)
        String dataset;

        @Option(
                names = "--epochs",
                description = "Training epochs per trained architecture (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.EPOCHS)
        int epochs;

        public String dataset() {
            return dataset;
        }

        public int epochs() {
            return epochs;
        }
    }

    /** The device to train on and where the datasets are: both belong to the machine, not to the experiment. */
    public static final class DeviceOptions {
        @Option(
                names = "--device",
                description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).",
                defaultValue = Defaults.DEVICE)
        String device;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description =
                        "Dataset folder (default: $AUTOST_DATA_DIR, then Debian's /usr/share/datasets/fashion-mnist).")
        Path dataDir;

        public String device() {
            return device;
        }

        /** The folder given, or empty for the standard locations. */
        public Optional<Path> dataDir() {
            return Optional.ofNullable(dataDir);
        }
    }

    /**
     * Train and evaluate on the first images only, for runs that rank architectures rather than
     * finish them. The defaults are the constructor's, so each command shows its own.
     */
    public static final class LimitOptions {
        @Option(
                names = "--limit-train",
                description = "Train on the first N images only (0 = all, default: ${DEFAULT-VALUE}).")
        int limitTrain;

        @Option(
                names = "--limit-test",
                description = "Evaluate on the first N test images only (0 = all, default: ${DEFAULT-VALUE}).")
        int limitTest;

        /** Every image. */
        public LimitOptions() {
            this(0, 0);
        }

        /** The given limits unless the options say otherwise; 0 means every image. */
        public LimitOptions(int limitTrain, int limitTest) {
            this.limitTrain = limitTrain;
            this.limitTest = limitTest;
        }

        public int limitTrain() {
            return limitTrain;
        }

        public int limitTest() {
            return limitTest;
        }
    }

    /** The network around the searched blocks: backbone and the time steps a genome may leave open. */
    public static final class BackboneOptions {
        @Option(
                names = "--backbone",
                description = "autost or spikformer (default: ${DEFAULT-VALUE}).",
                defaultValue = "autost")
        String backbone;

        @Option(
                names = "--time-steps",
                description = "T when the genome does not set it (default: ${DEFAULT-VALUE}).",
                defaultValue = "4")
        int timeSteps;

        /** @throws IllegalArgumentException naming the accepted backbones */
        public Backbone backbone() {
            return Backbone.parse(backbone);
        }

        public int timeSteps() {
            return timeSteps;
        }
    }

    /** {@code --out}: where a command writes its files; each command has its own default folder. */
    public static final class OutputOption {
        @Option(names = "--out", description = "Output directory (default: ${DEFAULT-VALUE}).")
        Path out;

        /** Writes to {@code dir} unless the option says otherwise. */
        public OutputOption(String dir) {
            this.out = Path.of(dir);
        }

        public Path dir() {
            return out;
        }
    }

    /** {@code --timeout}: how long a command follows an experiment before it gives up. */
    public static final class TimeoutOption {
        @Option(names = "--timeout", description = "Give up after this long, e.g. PT30M (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        /** Gives up after {@code timeout} unless the option says otherwise. */
        public TimeoutOption(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration timeout() {
            return timeout;
        }
    }

    /** {@code --batch-size}: images per optimiser step when a command trains by itself. */
    public static final class BatchSizeOption {
        @Option(
                names = "--batch-size",
                description = "Batch size (default: ${DEFAULT-VALUE}).",
                defaultValue = "" + Defaults.BATCH_SIZE)
        int batchSize;

        public int batchSize() {
            return batchSize;
        }
    }

    /** {@code --[no-]progress}: progress bars on stderr, by default only where a person watches. */
    public static final class ProgressOption {
        @Option(names = "--progress", negatable = true, description = "Show progress bars (default: on a terminal).")
        Boolean progress;

        /** As asked, else on when the process has a terminal. */
        public boolean enabled() {
            return progress != null ? progress : System.console() != null;
        }

        /** A bar on stderr counting {@code unit}s up to {@code max}, or {@code null} when progress is off. */
        public ProgressBar barOrNull(String task, long max, String unit) {
            return enabled() ? bar(task, max, unit) : null;
        }

        /** A bar on stderr counting {@code unit}s up to {@code max}, with its speed. */
        public static ProgressBar bar(String task, long max, String unit) {
            return new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(max)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(unit, 1)
                    .showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
    }
}
