package dev.autost.cli.study;

import dev.autost.cli.options.CommonOptions.DatasetOptions;
import dev.autost.cli.options.CommonOptions.EvolutionOptions;
import dev.autost.cli.options.CommonOptions.OutputOption;
import dev.autost.cli.options.CommonOptions.SpaceOptions;
import dev.autost.cli.options.CommonOptions.TimeoutOption;
import dev.autost.cli.options.CommonOptions.TrainSelectionOption;
import dev.autost.cli.options.Defaults;
import dev.autost.cli.options.HalvingOptions;
import dev.autost.cli.options.PipelineOptions;
import dev.autost.cli.options.TrainerOptions;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.trainer.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost study}: how well do training-free metrics rank trained spiking transformers?
 * Trains a sample spread across the parameter window through the pipeline's trainers, takes the
 * evaluator's rank correlations, and compares FLOPs-guided evolution with random search at an
 * equal training budget.
 */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = {
            "Reproduces the paper's central experiment on real training runs, through Kafka like search:",
            "  1. --archs architectures spread evenly across the parameter window (strategy stratified) are scored,",
            "     every one is trained with one fixed recipe by the trainers, and the evaluator correlates test",
            "     accuracy with every training-free metric: flops_syops, flops_full, params, energy_pj and the",
            "     proxies the trainers measure at initialisation (naswot, sahd, energy_init_pj), Kendall tau-b and",
            "     Spearman rho with 95 %% bootstrap intervals;",
            "  2. at an equal training budget of --compare-k trained architectures each, the best of the top-k of",
            "     the FLOPs-guided evolution (one per shape unless --train-selection top-k) against the best of k",
            "     uniformly random feasible architectures.",
            "The default (fashion-micro, 1 epoch on the first 4000 training images, 2000 test images) runs on a",
            "2-core CPU in under an hour. Writes OUT/study.json, OUT/architectures.csv, OUT/correlations.csv,",
            "OUT/study.md (the tables) and OUT/charts/accuracy-METRIC.png.",
            "",
            "With --compare, study 2 instead: for each of --seeds seeds, every arm of --arms (random: a uniform",
            "sample; flops: AutoST's evolution on FLOPs; sahd: evolution on SAHD; calibrated: evolution on the",
            "calibrated objective) is trained by successive halving with the same --rungs, --eta and",
            "--train-budget (epochs of the training set; the calibrated arm's calibration trainings come out of",
            "it). Writes OUT/compare.csv (arm,seed,budget_epochs,trained,best_accuracy,mean_accuracy),",
            "OUT/compare.md and OUT/charts/compare-best-accuracy.png."
        })
public final class StudyCommand implements Callable<Integer> {
    /** Training images per candidate when --limit-train is not given: the default study's short recipe. */
    static final int DEFAULT_LIMIT_TRAIN = 4000;

    static final int DEFAULT_LIMIT_TEST = 2000;

    /** The study's own seed, so its published figures stay reproducible. */
    static final long DEFAULT_SEED = 1;

    @Mixin
    TrainSelectionOption trainSelection;

    @Mixin
    SpaceOptions space = new SpaceOptions("fashion-micro");

    @Option(
            names = "--archs",
            description = "Architectures in the correlation sample (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int archs;

    @Option(
            names = "--compare-k",
            description =
                    "Architectures trained per arm of evolution vs random; 0 skips it (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int compareK;

    @Mixin
    EvolutionOptions evolution;

    @Option(names = "--compare", description = "Run study 2 (arms at an equal training budget) instead of study 1.")
    boolean compare;

    @Option(
            names = "--seeds",
            description = "With --compare: seeds per arm, --seed and the next ones (default: 3; 50 with --table).")
    Integer seeds;

    @Option(
            names = "--arms",
            description = {
                "With --compare: the arms, from " + CompareStudy.Arm.NAMES,
                "(default: random,flops,sahd,calibrated; all nine with --table)."
            })
    String armList;

    @Option(
            names = "--budgets",
            description = {
                "With --compare --table: training budgets, in trainings of the table's epochs each",
                "(default: ${DEFAULT-VALUE})."
            },
            defaultValue = "6,12,24")
    String budgetList;

    @Option(
            names = "--pipeline",
            description = {
                "With --compare --table: run every experiment through the real services (embedded broker, replay",
                "prober and trainer) instead of in this process; slower, the same figures."
            })
    boolean pipeline;

    @Mixin
    HalvingOptions halving;

    @Option(
            names = "--calibration-size",
            description = "With --compare: the calibrated arm's calibration sample (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int calibrationSize;

    /** Study 2's schedule when --rungs is not given: two rungs, the top one three times the first. */
    static final String DEFAULT_COMPARE_RUNGS = "1,3";

    /** Study 2's budget when --train-budget is not given: nine entrants of 1,3 with eta 3. */
    static final int DEFAULT_COMPARE_BUDGET = 15;

    // Not a mixin: each command says what its seed drives.
    @Option(
            names = "--seed",
            description = "Seed of the sample, the searches and the training (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + DEFAULT_SEED)
    long seed;

    @Mixin
    DatasetOptions training;

    @Option(
            names = "--trainers",
            description = {
                "Trainer workers started in this process, each training one architecture at a time",
                "(the service's --concurrency). On a CPU, one per core (default: ${DEFAULT-VALUE})."
            },
            defaultValue = "2")
    int trainers;

    @Mixin
    TrainerOptions trainer = new TrainerOptions(DEFAULT_LIMIT_TRAIN, DEFAULT_LIMIT_TEST);

    @Mixin
    PipelineOptions cluster;

    @Option(
            names = "--study-id",
            description = "Prefix of the study's experiment ids (default: study-SPACE-SEED-MILLIS).")
    String studyId;

    @Mixin
    TimeoutOption timeout = new TimeoutOption(Duration.ofHours(6));

    @Mixin
    OutputOption output = new OutputOption("autost-study");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (compare) {
            return compare();
        }
        for (String compareOnly :
                List.of("--rungs", "--eta", "--train-budget", "--seeds", "--arms", "--budgets", "--pipeline")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(compareOnly)) {
                throw new IllegalArgumentException(compareOnly + " belongs to --compare");
            }
        }
        SearchSpace s = space.resolve();
        if (archs < 3) {
            throw new IllegalArgumentException("--archs must be at least 3 for a rank correlation, got " + archs);
        }
        int epochs = training.epochs();
        String dataset = training.dataset();
        if (compareK < 0 || trainers < 0 || epochs < 1) {
            throw new IllegalArgumentException("--compare-k and --trainers must be >= 0 and --epochs >= 1");
        }
        checkCluster();
        // Built (and so validated) before anything starts.
        TrainerConfig trainerSettings =
                cluster.localServices() ? trainer.template().withConcurrency(trainers) : null;
        int limitTrain = trainer.limitTrain();
        int limitTest = trainer.limitTest();
        String id = studyId != null ? studyId : "study-" + s.name() + "-" + seed + "-" + System.currentTimeMillis();

        List<StudyReport.Arm> arms = new ArrayList<>();
        arms.add(new StudyReport.Arm("sample", spec(id + "-sample", s, "stratified", archs, 0, archs)));
        if (compareK > 0) {
            arms.add(new StudyReport.Arm(
                    "evolution",
                    spec(
                            id + "-evolution",
                            s,
                            "evolution",
                            evolution.population(),
                            evolution.generations(),
                            compareK)));
            arms.add(new StudyReport.Arm("random", spec(id + "-random", s, "uniform", compareK, 0, compareK)));
        }
        int toTrain = arms.stream().mapToInt(a -> a.spec().getTrainTopK()).sum();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                "autost study %s: %d architectures to train (%d in the sample%s), %d epoch(s) on %s, %s training and %s test images%n",
                id,
                toTrain,
                archs,
                compareK > 0 ? ", " + compareK + " per arm of evolution vs random" : "",
                epochs,
                dataset,
                limitTrain == 0 ? "all" : limitTrain,
                limitTest == 0 ? "all" : limitTest);
        err.flush();

        Path out = output.dir();
        long t0 = System.nanoTime();
        try (LocalServices services = startServices(trainerSettings, false)) {
            try (ExperimentClient client = new ExperimentClient(services.bootstrapServers())) {
                for (StudyReport.Arm a : arms) {
                    client.submit(a.spec());
                }
                int[] doneBefore = {0};
                for (StudyReport.Arm a : arms) {
                    String[] last = {""};
                    a.outcome(client.follow(a.spec().getExperimentId(), timeout.timeout(), p -> {
                        // A line per result; other progress (epochs) at most once a minute.
                        long minute = (System.nanoTime() - t0) / 60_000_000_000L;
                        String key = p.trained() + "/" + p.trainExpected() + "@" + minute;
                        if (!key.equals(last[0])) {
                            err.println(progressLine(a.name(), p, doneBefore[0], toTrain, minute));
                            err.flush();
                            last[0] = key;
                        }
                    }));
                    doneBefore[0] += a.spec().getTrainTopK();
                }
            }
        }
        double minutes = (System.nanoTime() - t0) / 6e10;
        StudyReport report = new StudyReport(
                id,
                s,
                arms,
                new StudyReport.Settings(
                        dataset,
                        epochs,
                        limitTrain,
                        limitTest,
                        seed,
                        trainer.device(),
                        trainers,
                        evolution.population(),
                        evolution.generations(),
                        commandLine()),
                minutes);
        PrintWriter o = spec.commandLine().getOut();
        o.print(report.markdown());
        o.println("wrote " + report.write(out));
        o.flush();
        return 0;
    }

    /** Study 2: every arm of every seed, one after the other on the same trainers. */
    private int compare() throws IOException {
        for (String studyOne : List.of("--archs", "--compare-k", "--epochs")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(studyOne)) {
                throw new IllegalArgumentException(studyOne + " belongs to study 1, not to --compare"
                        + (studyOne.equals("--epochs") ? " (the rungs set the epochs)" : ""));
            }
        }
        Optional<TableReplay> table = trainer.table();
        if (table.isPresent()) {
            return new TableStudy(this, table.get()).run();
        }
        return new TrainedCompareStudy(this).run();
    }

    /** --seeds, or its default for the mode: 3 trained, 50 replayed. */
    int seeds() {
        int n = seeds != null ? seeds : trainer.table().isPresent() ? 50 : 3;
        if (n < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1, got " + n);
        }
        return n;
    }

    /** The cluster options, checked before anything starts. */
    void checkCluster() {
        cluster.check();
        if (cluster.localServices() && trainers == 0) {
            throw new IllegalArgumentException(
                    "--trainers 0 needs trainers elsewhere: add --bootstrap-servers and --no-local-services");
        }
    }

    /** The broker (embedded unless --bootstrap-servers) and, unless --no-local-services, the services a study needs. */
    LocalServices startServices(TrainerConfig trainerSettings, boolean prober) {
        return startServices(trainerSettings, prober, Defaults.PARTITIONS);
    }

    /** The same, with the partitions of the topics it creates given. */
    LocalServices startServices(TrainerConfig trainerSettings, boolean prober, int partitions) {
        LocalServices services = LocalServices.connect(
                cluster.bootstrapServers(),
                cluster.kafkaData(),
                cluster.secure(),
                partitions,
                Defaults.REPLICATION,
                null);
        try {
            if (cluster.localServices()) {
                // Before the prober: it takes the trainers' device, data folder and --table.
                services.trainerSettings(trainerSettings);
                services.start(LocalServices.SEARCH);
                if (prober) {
                    services.start(LocalServices.Service.PROBER);
                }
                services.start(LocalServices.Service.TRAINER);
            }
            return services;
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    static String progressLine(String arm, ExperimentClient.Progress p, int doneBefore, int toTrain, long minute) {
        String last = p.lastEpoch() == null
                ? ""
                : String.format(
                        "; last: %s test accuracy %.4f at %.0f images/s",
                        p.lastEpoch().getGenomeHash(),
                        p.lastEpoch().getTestAccuracy(),
                        p.lastEpoch().getImagesPerSecond());
        return String.format(
                "study: %s: %d/%d trained (%d/%d overall), %d min elapsed%s%s",
                arm, p.trained(), p.trainExpected(), doneBefore + p.trained(), toTrain, minute, last, p.runningLine());
    }

    private ExperimentSpec spec(
            String experimentId, SearchSpace s, String strategy, int population, int generations, int trainTopK) {
        // One-shot samples ignore generations; 0 would mean the default (20) in a spec.
        return ExperimentPlan.specBuilder(experimentId, s, strategy, seed, population, Math.max(1, generations), 0)
                .setTrainTopK(trainTopK)
                .setTrainSelection(trainSelection.selection().id())
                .setEpochs(training.epochs())
                .setDataset(training.dataset())
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
    }

    /** The command as typed, for the report (reproducibility). */
    private String commandLine() {
        return "autost " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }
}
