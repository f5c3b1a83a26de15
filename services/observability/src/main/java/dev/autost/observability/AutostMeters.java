package dev.autost.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every AutoST-specific meter, named once. Micrometer names with dots become Prometheus names
 * with underscores, base units and {@code _total} on counters: {@code autost.candidates.scored}
 * is scraped as {@code autost_candidates_scored_total}. Labels are low-cardinality: service,
 * topic, device, and on the per-experiment gauges the experiment id of at most {@link
 * #EXPERIMENT_SERIES} experiments (the most recently updated; older series are removed).
 * Thread-safe.
 */
public final class AutostMeters {
    public static final String CANDIDATES_PRODUCED = "autost.candidates.produced";
    public static final String CANDIDATES_SCORED = "autost.candidates.scored";
    public static final String SCORING = "autost.scoring";
    public static final String CANDIDATES_PROBED = "autost.candidates.probed";
    public static final String PROBING = "autost.probing";
    public static final String DEAD_LETTERS = "autost.dead.letters";
    public static final String SEARCH_GENERATION = "autost.search.generation";
    public static final String SEARCH_BEST_SCORE = "autost.search.best.score";
    public static final String TRAIN_ACCURACY_BEST = "autost.train.accuracy.best";
    public static final String SAMPLER_EXPERIMENTS = "autost.sampler.experiments";
    public static final String TRAINER_IMAGES = "autost.trainer.images";
    public static final String TRAINER_EPOCH = "autost.trainer.epoch";
    public static final String TRAINER_IMAGES_PER_SECOND = "autost.trainer.images.per.second";
    public static final String TRAINER_RESULTS = "autost.trainer.results";
    public static final String SERVICE_READY = "autost.service.ready";

    /** Experiments with per-experiment series at once: a dashboard's worth, whatever the history. */
    public static final int EXPERIMENT_SERIES = 50;

    private final MeterRegistry registry;
    private final BoundedGauges generations;
    private final BoundedGauges bestScores;
    private final BoundedGauges bestAccuracies;
    private final Map<String, double[]> imagesPerSecond = new ConcurrentHashMap<>();
    private final Map<String, double[]> samplerExperiments = new ConcurrentHashMap<>();

    public AutostMeters(MeterRegistry registry) {
        this.registry = registry;
        this.generations = new BoundedGauges(
                registry, SEARCH_GENERATION, "Generation of the experiment's search", "experiment", EXPERIMENT_SERIES);
        this.bestScores = new BoundedGauges(
                registry, SEARCH_BEST_SCORE, "Best training-free score so far", "experiment", EXPERIMENT_SERIES);
        this.bestAccuracies = new BoundedGauges(
                registry, TRAIN_ACCURACY_BEST, "Best test accuracy so far", "experiment", EXPERIMENT_SERIES);
    }

    /** Meters that go nowhere: for code run without an HTTP endpoint (tests, the CLI's offline modes). */
    public static AutostMeters noop() {
        return new AutostMeters(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Candidates the sampler published. */
    public Counter candidatesProduced() {
        return Counter.builder(CANDIDATES_PRODUCED)
                .description("Candidates published by the sampler")
                .register(registry);
    }

    /** Candidates the scorer scored. */
    public Counter candidatesScored() {
        return Counter.builder(CANDIDATES_SCORED)
                .description("Candidates scored")
                .register(registry);
    }

    /** Time to score one candidate (decode, check, cost model, encode). */
    public Timer scoring() {
        return Timer.builder(SCORING).description("Time to score one candidate").register(registry);
    }

    /** Candidates the prober measured the proxies of, by device. */
    public Counter candidatesProbed(String device) {
        return Counter.builder(CANDIDATES_PROBED)
                .description("Candidates whose untrained network the prober measured")
                .tag("device", device)
                .register(registry);
    }

    /** Time to probe one candidate (build and initialise its network, one forward pass, the kernels). */
    public Timer probing(String device) {
        return Timer.builder(PROBING)
                .description("Time to probe one candidate")
                .tag("device", device)
                .register(registry);
    }

    /** Records sent to the dead-letter topic by {@code service}, by the topic they came from. */
    public Counter deadLetters(String service, String sourceTopic) {
        return Counter.builder(DEAD_LETTERS)
                .description("Records sent to autost.dead-letters")
                .tag("service", service)
                .tag("topic", sourceTopic)
                .register(registry);
    }

    /**
     * Counts a dead letter of {@code service} by its source topic: the hook {@code DeadLetters}
     * takes. The counters of the topics the service reads are listed at 0 at once: a counter that
     * first appears at N hides those N from Prometheus' {@code increase()}, so a burst right after a
     * start would raise no alert.
     */
    public java.util.function.Consumer<String> deadLetterCounter(String service, java.util.Collection<String> topics) {
        topics.forEach(topic -> deadLetters(service, topic));
        return topic -> deadLetters(service, topic).increment();
    }

    /** Training results a trainer published, by status ({@code ok}, {@code failed}): what "trainings failing" alerts on. */
    public Counter trainerResults(String status) {
        return Counter.builder(TRAINER_RESULTS)
                .description("Training results published, by status")
                .tag("status", status)
                .register(registry);
    }

    /**
     * Registers a trainer's meters at 0 when it starts: its results of both statuses, its images
     * and its epochs on {@code device}. A counter that first appears at N hides those N from
     * Prometheus' {@code increase()} (a trainer whose first trainings all fail before its first
     * scrape would page no one), and a panel of a trainer that has not trained yet shows 0, not
     * "no data".
     */
    public void trainerFromZero(String device) {
        trainerResults("ok");
        trainerResults("failed");
        trainerImages(device);
        trainerEpoch(device);
    }

    /** The generation an experiment's search is in. */
    public void searchGeneration(String experiment, long generation) {
        generations.set(experiment, generation);
    }

    /** The best training-free score an experiment found so far. */
    public void searchBestScore(String experiment, double score) {
        bestScores.set(experiment, score);
    }

    /** The best test accuracy among an experiment's trained candidates. */
    public void bestAccuracy(String experiment, double accuracy) {
        bestAccuracies.set(experiment, accuracy);
    }

    /**
     * The sampler's slots: searches it runs now ({@code state=running}) and experiments waiting for
     * one of its {@code --max-running-experiments} slots ({@code state=queued}).
     */
    public void samplerExperiments(int running, int queued) {
        String description = "Experiments of the sampler, by state";
        holder(samplerExperiments, SAMPLER_EXPERIMENTS, description, "state", "running")[0] = running;
        holder(samplerExperiments, SAMPLER_EXPERIMENTS, description, "state", "queued")[0] = queued;
    }

    /** The sampler's experiments in {@code state} (running, queued) as last set; 0 before. */
    public double samplerExperiments(String state) {
        double[] h = samplerExperiments.get(state);
        return h == null ? 0 : h[0];
    }

    /** Training images processed on {@code device} (cpu, gpu). */
    public Counter trainerImages(String device) {
        return Counter.builder(TRAINER_IMAGES)
                .description("Training images processed")
                .tag("device", device)
                .register(registry);
    }

    /** Wall time of one training epoch on {@code device}. */
    public Timer trainerEpoch(String device) {
        return Timer.builder(TRAINER_EPOCH)
                .description("Time of one training epoch")
                .tag("device", device)
                .register(registry);
    }

    /** Training throughput of the last epoch on {@code device}. */
    public void trainerImagesPerSecond(String device, double value) {
        holder(imagesPerSecond, TRAINER_IMAGES_PER_SECOND, "Training images per second, last epoch", "device", device)[
                0] = value;
    }

    /**
     * Creates every meter once with example labels, so a scrape lists each name: used by the
     * deployment checks to hold the dashboard to names that exist.
     */
    public static void describeAll(MeterRegistry registry) {
        AutostMeters m = new AutostMeters(registry);
        m.candidatesProduced();
        m.candidatesScored();
        m.scoring();
        m.candidatesProbed("cpu");
        m.probing("cpu");
        m.deadLetters("example", "example");
        m.searchGeneration("example", 0);
        m.searchBestScore("example", 0);
        m.bestAccuracy("example", 0);
        m.samplerExperiments(0, 0);
        m.trainerImages("cpu");
        m.trainerEpoch("cpu");
        m.trainerImagesPerSecond("cpu", 0);
        m.trainerResults("ok");
    }

    private double[] holder(Map<String, double[]> map, String name, String description, String tag, String value) {
        return map.computeIfAbsent(value, v -> {
            double[] h = new double[1];
            Gauge.builder(name, h, a -> a[0])
                    .description(description)
                    .tag(tag, v)
                    .register(registry);
            return h;
        });
    }
}
