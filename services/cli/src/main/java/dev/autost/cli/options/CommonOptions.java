package dev.autost.cli.options;

import dev.autost.domain.fidelity.RungMetric;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Objective;
import dev.autost.domain.search.ProbeGate;
import dev.autost.domain.search.TrainingSelection;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.domain.space.Window;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.codec.ExperimentPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The small option groups several commands share, each a picocli mixin declared once here so
 * an option reads and defaults alike in every command. Where commands need different defaults
 * for the same option, the group takes them in its constructor, and each command's help shows
 * its own. The larger groups have files of their own ({@link ModelOptions}, {@link
 * TrainerOptions}, {@link ApiOptions}).
 */
public final class CommonOptions {
    private CommonOptions() {}

    /** {@code --bootstrap-servers}: the Kafka cluster to join; without it a command starts an embedded broker. */
    public static final class ClusterOption {
        @Option(
                names = "--bootstrap-servers",
                paramLabel = "HOST:PORT[,...]",
                description = "Join this Kafka cluster instead of starting an embedded broker.")
        String bootstrapServers;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        /** Read when parsed, so that every Kafka client of the process, built later, has it. */
        @Option(
                names = "--kafka-config",
                paramLabel = "FILE",
                description = "Kafka client properties for every client of this process (security.protocol, sasl.*,"
                        + " ssl.*, timeouts), as Kafka's tools take them. AUTOST_KAFKA_* variables override them"
                        + " (AUTOST_KAFKA_SASL_JAAS_CONFIG sets sasl.jaas.config).")
        void kafkaConfig(Path file) {
            try {
                KafkaClients.useConfigFile(file);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--kafka-config: " + e.getMessage(), e);
            }
        }

        /** The cluster, or {@code null} for an embedded broker. */
        public String bootstrapServers() {
            return bootstrapServers;
        }

        /** What the command talks to, for messages. */
        public String describe() {
            return bootstrapServers == null ? "embedded broker" : bootstrapServers;
        }
    }

    /** Where a pipeline command runs: an embedded broker with local services, or an existing cluster. */
    public static final class PipelineOptions {
        @Mixin
        ClusterOption cluster;

        @Option(
                names = "--no-local-services",
                description =
                        "With --bootstrap-servers: only submit and follow; the services (and trainers) run elsewhere.")
        boolean noLocalServices;

        @Option(
                names = "--kafka-data",
                paramLabel = "DIR",
                description = "Keep the embedded broker's data here (for autost report); default: a temporary folder.")
        Path kafkaData;

        @Option(
                names = "--secure",
                description = "Embedded broker: a SASL_SSL listener with SCRAM-SHA-512 and a self-made CA; its client"
                        + " properties are written to DATA_DIR/client.properties (owner-only).")
        boolean secure;

        /** Refuses contradictory options before anything starts. */
        public void check() {
            if (noLocalServices && cluster.bootstrapServers() == null) {
                throw new IllegalArgumentException("--no-local-services needs --bootstrap-servers");
            }
            if (secure && cluster.bootstrapServers() != null) {
                throw new IllegalArgumentException(
                        "--secure is for the embedded broker; with --bootstrap-servers pass --kafka-config instead");
            }
        }

        /** Whether the embedded broker gets a SASL_SSL listener. */
        public boolean secure() {
            return secure;
        }

        /** The cluster, or {@code null} for an embedded broker. */
        public String bootstrapServers() {
            return cluster.bootstrapServers();
        }

        /** The embedded broker's data folder, or {@code null} for a temporary one. */
        public Path kafkaData() {
            return kafkaData;
        }

        /** Whether this process runs the services (and trainers) itself. */
        public boolean localServices() {
            return !noLocalServices;
        }

        /** What the command talks to, for messages. */
        public String describe() {
            return cluster.describe();
        }
    }

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

    /** {@code --objective}: the metric a search maximises. */
    public static final class ObjectiveOption {
        @Option(
                names = "--objective",
                paramLabel = "METRIC",
                description =
                        "The metric the search maximises: flops_syops (the paper's), flops_full, params, energy_pj"
                                + " (cost model), or sahd, naswot, energy_init_pj (measured on the untrained network: the"
                                + " prober service through Kafka, in process with --offline; --device and --data-dir apply),"
                                + " rank-mean:A,B[,...] (mean percentile among the first generation), or calibrated (trains"
                                + " --calibration-size of the first generation, then ranks by the metric whose rank"
                                + " correlation with their accuracy is highest; through Kafka only)."
                                + " Default: ${DEFAULT-VALUE}.",
                defaultValue = Objective.FLOPS_SYOPS,
                converter = Converter.class)
        Objective objective;

        @Option(
                names = "--probe-fraction",
                paramLabel = "F",
                description = "With a probe objective: probe only the best fraction F (0 < F <= 1) of each generation"
                        + " by flops_syops; the rest rank below every probed candidate (default: ${DEFAULT-VALUE},"
                        + " probe all).",
                defaultValue = "1")
        double probeFraction;

        @Option(
                names = "--calibration-size",
                paramLabel = "N",
                description = "With --objective calibrated: first-generation candidates trained (one per shape) before"
                        + " the search goes on (default: " + dev.autost.domain.search.Calibration.DEFAULT_SIZE + ").")
        Integer calibrationSize;

        /** The calibration sample's size for a spec: 0 (the default) unless given. */
        public int calibrationSize() {
            if (calibrationSize != null && !objective.isCalibrated()) {
                throw new IllegalArgumentException("--calibration-size needs --objective calibrated");
            }
            return calibrationSize == null ? 0 : calibrationSize;
        }

        public Objective objective() {
            return objective;
        }

        /** The gate, checked: a fraction outside (0, 1] is refused naming the option. */
        public ProbeGate probeGate() {
            try {
                return new ProbeGate(probeFraction);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--probe-fraction must be in (0, 1], got " + probeFraction);
            }
        }

        /** The domain's names and error message. */
        static final class Converter implements picocli.CommandLine.ITypeConverter<Objective> {
            @Override
            public Objective convert(String value) {
                return Objective.parse(value);
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

    /**
     * {@code --rungs}, {@code --eta}, {@code --train-budget}: successive halving over the trained
     * candidates instead of one training of each.
     */
    public static final class HalvingOptions {
        @Option(
                names = "--rungs",
                paramLabel = "E1,E2,...",
                description = "Train by successive halving (ASHA): the epochs in all at the end of each rung,"
                        + " e.g. 1,3,9. Every chosen candidate trains the first rung; one in --eta of those a"
                        + " rung finished goes on, continuing its run. Default: none (each trains --epochs once).")
        String rungs;

        @Option(
                names = "--eta",
                description = "With --rungs: a rung promotes one in ETA of the candidates it finished" + " (default: "
                        + RungSchedule.DEFAULT_ETA + ").")
        Integer eta;

        @Option(
                names = "--train-budget",
                paramLabel = "EPOCHS",
                description = "With --rungs: the training budget in epochs of the training set; as many of the"
                        + " best candidates enter as fit when every rung fills its quota (default: --train-top-k"
                        + " enter).")
        Integer budget;

        @Option(
                names = "--rung-metric",
                paramLabel = "METRIC",
                description = "With --rungs: what ranks a rung's candidates for promotion: accuracy (their test"
                        + " accuracy after the rung) or tse (their training losses summed to then, lower first)"
                        + " (default: accuracy).")
        String rungMetric;

        /**
         * The schedule, or empty without {@code --rungs}.
         *
         * @throws IllegalArgumentException naming the option at fault
         */
        public Optional<RungSchedule> schedule() {
            if (rungs == null) {
                if (eta != null || budget != null || rungMetric != null) {
                    throw new IllegalArgumentException(
                            "--eta, --train-budget and --rung-metric need --rungs (e.g. --rungs 1,3,9)");
                }
                return Optional.empty();
            }
            try {
                return Optional.of(RungSchedule.parse(rungs, eta == null ? RungSchedule.DEFAULT_ETA : eta)
                        .rankedBy(RungMetric.parse(rungMetric)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--rungs/--eta: " + e.getMessage());
            }
        }

        /** The schedule, with {@code defaultRungs} when {@code --rungs} is not given (a command that always halves). */
        public RungSchedule scheduleOr(String defaultRungs) {
            try {
                return RungSchedule.parse(
                                rungs == null ? defaultRungs : rungs, eta == null ? RungSchedule.DEFAULT_ETA : eta)
                        .rankedBy(RungMetric.parse(rungMetric));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--rungs/--eta: " + e.getMessage());
            }
        }

        /** The budget in epochs, 0 when not given. */
        public int budgetEpochs() {
            if (budget != null && budget < 1) {
                throw new IllegalArgumentException("--train-budget must be at least 1 epoch, got " + budget);
            }
            return budget == null ? 0 : budget;
        }

        /** Writes the schedule into an experiment spec (nothing without {@code --rungs}). */
        public void applyTo(dev.autost.proto.v1.ExperimentSpec.Builder spec) {
            schedule().ifPresent(h -> ExperimentPlan.withHalving(spec, h, budgetEpochs()));
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

    /** {@code --concurrency}: jobs one trainer process trains at once. */
    public static final class ConcurrencyOption {
        /**
         * Memory a job keeps at least when {@code auto} picks the count: the largest fashion-micro
         * genome peaked at 1.8-2.0 GB with tcmalloc (docs/training.md#memory).
         */
        public static final long AUTO_JOB_BYTES = 2L << 30;

        @Option(
                names = "--concurrency",
                paramLabel = "K",
                description = {
                    "Trainer: jobs trained at once in this process, each by its own worker in the group",
                    "(default: $AUTOST_TRAINER_CONCURRENCY or ${DEFAULT-VALUE}: one per core on a CPU, as many as the",
                    "memory budget gives 2 GB each; 1 on a GPU and for one-shot --max-requests workers)."
                },
                defaultValue = "${env:AUTOST_TRAINER_CONCURRENCY:-auto}")
        String concurrency = "auto";

        /**
         * The number of jobs for a trainer with these settings.
         *
         * @throws IllegalArgumentException unless the option is auto or a whole number
         */
        public int concurrency(dev.autost.trainer.TrainerConfig trainer) {
            if (!concurrency.trim().equalsIgnoreCase("auto")) {
                try {
                    return Integer.parseInt(concurrency.trim()); // its bounds are the trainer's to check
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--concurrency must be auto or a whole number, got '" + concurrency + "'");
                }
            }
            if (trainer.device().startsWith("gpu") || trainer.maxRequests() > 0) {
                return 1;
            }
            return auto(Runtime.getRuntime().availableProcessors(), trainer.memoryBudget());
        }

        /** One job per core, at most as many as leave each {@link #AUTO_JOB_BYTES} of the budget (0: no limit). */
        public static int auto(int cores, long memoryBudget) {
            if (memoryBudget == 0) {
                return Math.max(1, cores);
            }
            long byMemory = (memoryBudget - dev.autost.models.train.MemoryEstimate.BASE_BYTES) / AUTO_JOB_BYTES;
            return (int) Math.max(1, Math.min(cores, byMemory));
        }
    }

    /**
     * {@code --bootstrap-servers} (with {@code --kafka-config}) or {@code --kafka-data}: where a
     * command that reads stored experiments ({@code report}, {@code prune}) finds their topics.
     */
    public static final class StoredTopicsOption {
        @Mixin
        ClusterOption cluster;

        @Option(
                names = "--kafka-data",
                paramLabel = "DIR",
                description =
                        "Data folder of an embedded broker (from search/serve --kafka-data), while no serve uses it.")
        Path kafkaData;

        /**
         * The cluster, or the embedded broker started on the folder.
         *
         * @throws IllegalArgumentException unless exactly one of the options names something usable
         */
        public dev.autost.cli.pipeline.LocalServices connect() {
            String bootstrapServers = cluster.bootstrapServers();
            if ((bootstrapServers == null) == (kafkaData == null)) {
                throw new IllegalArgumentException("give exactly one of --bootstrap-servers and --kafka-data");
            }
            if (kafkaData != null && !java.nio.file.Files.isDirectory(kafkaData)) {
                throw new IllegalArgumentException("--kafka-data " + kafkaData + " is not a directory");
            }
            return dev.autost.cli.pipeline.LocalServices.connect(bootstrapServers, kafkaData, 1, (short) 1);
        }
    }

    /**
     * {@code --max-running-experiments} and {@code --max-candidates-in-flight}: how much the
     * sampler has going at once.
     */
    public static final class SamplerLimitsOption {
        @Option(
                names = "--max-running-experiments",
                paramLabel = "N",
                description = {
                    "Sampler: searches run at once; later experiments wait in arrival order (phase queued)",
                    "(default: $AUTOST_MAX_RUNNING_EXPERIMENTS or ${DEFAULT-VALUE}). Memory follows it."
                },
                defaultValue = "${env:AUTOST_MAX_RUNNING_EXPERIMENTS:-"
                        + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_RUNNING + "}")
        int maxRunning;

        @Option(
                names = "--max-candidates-in-flight",
                paramLabel = "N",
                description = {
                    "Sampler: candidates of one search out to the scorers at once; the rest of a generation",
                    "follows as scores come back, so running searches share the scorers",
                    "(default: $AUTOST_MAX_CANDIDATES_IN_FLIGHT or ${DEFAULT-VALUE})."
                },
                defaultValue = "${env:AUTOST_MAX_CANDIDATES_IN_FLIGHT:-"
                        + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_IN_FLIGHT + "}")
        int maxInFlight;

        @Option(
                names = "--max-queued-experiments",
                paramLabel = "N",
                description = {
                    "Sampler and API: experiments waiting for a running slot; one more is refused naming the limit",
                    "(default: $AUTOST_MAX_QUEUED_EXPERIMENTS or ${DEFAULT-VALUE})."
                },
                defaultValue = "${env:AUTOST_MAX_QUEUED_EXPERIMENTS:-"
                        + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_QUEUED + "}")
        int maxQueued;

        /** @throws IllegalArgumentException naming the option below 1 */
        public dev.autost.sampler.SamplerLimits limits() {
            if (maxRunning < 1) {
                throw new IllegalArgumentException("--max-running-experiments must be at least 1, got " + maxRunning);
            }
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("--max-candidates-in-flight must be at least 1, got " + maxInFlight);
            }
            if (maxQueued < 1) {
                throw new IllegalArgumentException("--max-queued-experiments must be at least 1, got " + maxQueued);
            }
            return new dev.autost.sampler.SamplerLimits(maxRunning, maxInFlight, maxQueued);
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
