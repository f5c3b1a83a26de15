package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.evaluator.EvaluatorVerticle;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.sampler.SamplerVerticle;
import dev.autost.scorer.ScorerConfig;
import dev.autost.scorer.ScorerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page of a finished run, rendered by headless Chromium (Debian's chromium package,
 * installed by .ci/run): the rendered DOM must list the run's leaderboard, and the screenshot must
 * show more than a blank page. Skipped, with the reason, where no Chromium is installed.
 */
class WebPageIT {
    private static final List<String> BROWSERS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");

    @TempDir
    Path dir;

    @Test
    void page_finishedRun_rendersItsLeaderboardInHeadlessChromium() throws Exception {
        String browser = browser();
        assumeTrue(browser != null, "no Chromium installed (apt-get install chromium)");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
            }
            Vertx vertx = Vertx.vertx();
            try {
                await(vertx.deployVerticle(new ScorerVerticle(ScorerConfig.of(bootstrap))));
                await(vertx.deployVerticle(
                        new SamplerVerticle(bootstrap, "sampler-page", Clock.systemUTC(), AutostMeters.noop())));
                await(vertx.deployVerticle(
                        new EvaluatorVerticle(bootstrap, "evaluator-page", Clock.systemUTC(), AutostMeters.noop())));
                ApiVerticle api =
                        new ApiVerticle(bootstrap, ApiServerConfig.of("127.0.0.1", 0), "tok", Clock.systemUTC(), null);
                await(vertx.deployVerticle(api));
                String base = "http://127.0.0.1:" + api.actualPort();
                HttpClient http = HttpClient.newHttpClient();
                submitSmall(http, base, "page-run", 5, 4);
                String top = waitForTopHash(http, base);

                String dom = run(browser, "--dump-dom", base + "/");
                assertTrue(dom.contains("page-run"), "experiment missing from the rendered page");
                assertTrue(
                        dom.contains(top), "leaderboard's best candidate " + top + " missing from the rendered page");
                assertTrue(dom.contains("score-params.png"), "charts missing");

                // A trained candidate's view, live: two finished epochs and one running.
                try (KafkaProducer<byte[], byte[]> p =
                        dev.autost.messaging.KafkaClients.producer(bootstrap, "page-progress")) {
                    byte[] key = Topics.genomeKey("page-run", top).getBytes(StandardCharsets.UTF_8);
                    for (TrainProgress progress : List.of(
                            progress(top, 1, 0, 1.9, 0.41),
                            progress(top, 2, 0, 1.2, 0.63),
                            progress(top, 3, 7, 1.1, 0))) {
                        p.send(new ProducerRecord<>(Topics.TRAIN_PROGRESS, key, progress.toByteArray()))
                                .get();
                    }
                }
                String view = base + "/#experiment=page-run&candidate=" + top;
                String candidateDom = "";
                for (int attempt = 0; attempt < 10 && !candidateDom.contains("0.63"); attempt++) {
                    candidateDom = run(browser, "--dump-dom", view);
                }
                assertTrue(
                        candidateDom.contains("Candidate " + top + " of page-run"),
                        "no candidate view:\n" + candidateDom);
                assertTrue(candidateDom.contains("<td>0.63</td>"), "epoch 2's test accuracy missing:\n" + candidateDom);
                assertTrue(candidateDom.contains("training epoch 3/3: step 7/10"), "the running epoch missing");
                assertTrue(candidateDom.contains("class=\"test-accuracy\""), "no training curve drawn");
                assertTrue(candidateDom.contains(">epoch</text>"), "the curve has no axis labels:\n" + candidateDom);
                assertTrue(
                        candidateDom.contains("None for this candidate yet: the proxies"),
                        "an empty proxies table says nothing of why:\n" + candidateDom);
                assertTrue(candidateDom.contains("blocks.0.attn"), "no per-layer costs");
                assertTrue(candidateDom.contains("/candidates/" + top + "/retrain.yaml"), "no RETRAIN YAML link");
                // The explore plot: a point per kept candidate, hoverable (an SVG title with its
                // figures), the selected one larger, the params front ringed.
                JsonObject kept = new JsonObject(http.send(
                                HttpRequest.newBuilder(
                                                URI.create(base + "/api/experiments/page-run/leaderboard?limit=500"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                int points = kept.getJsonArray("rows").size();
                String plot = candidateDom.substring(
                        candidateDom.indexOf("id=\"explore\""), candidateDom.indexOf("id=\"charts\""));
                assertEquals(points, plot.split("<circle").length - 1, "a point per candidate:\n" + plot);
                assertTrue(plot.contains("class=\"pt front"), "the params front ringed:\n" + plot);
                assertTrue(
                        plot.matches("(?s).*r=\"6\"[^>]*data-hash=\"" + top + "\"><title>" + top + "  rank 1\n.*"),
                        "the selected candidate larger, with its figures on hover:\n" + plot);
                assertTrue(candidateDom.contains(points + " candidate(s) of"), "the plot says what it shows");
                HttpResponse<String> yaml = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        base + "/api/experiments/page-run/candidates/" + top + "/retrain.yaml"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, yaml.statusCode());
                assertTrue(yaml.body().contains("HASH: " + top), yaml.body());

                // The leaderboard sorted by another column, and two experiments side by side.
                submitSmall(http, base, "page-run-2", 6, 2);
                waitForTopHash(http, base, "page-run-2");
                io.vertx.core.json.JsonArray byParams = new JsonObject(http.send(
                                        HttpRequest.newBuilder(URI.create(base
                                                        + "/api/experiments/page-run/leaderboard?by=params&limit=20"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
                        .getJsonArray("rows");
                for (int i = 1; i < byParams.size(); i++) {
                    assertTrue(
                            byParams.getJsonObject(i - 1).getLong("params")
                                    <= byParams.getJsonObject(i).getLong("params"),
                            "by=params is ascending: " + byParams);
                }
                String sorted = "";
                String compareView = base + "/#experiment=page-run&by=params&compare=page-run,page-run-2";
                for (int attempt = 0; attempt < 10 && !sorted.contains("best test accuracy"); attempt++) {
                    sorted = run(browser, "--dump-dom", compareView);
                }
                assertTrue(sorted.contains("by params ascending"), "the sort is shown:\n" + sorted);
                String firstRow = sorted.substring(sorted.indexOf("<tbody>", sorted.indexOf("id=\"leaderboard\"")));
                assertTrue(
                        firstRow.indexOf(byParams.getJsonObject(0).getString("hash"))
                                < firstRow.indexOf(byParams.getJsonObject(1).getString("hash")),
                        "rows in the API's order");
                String side = sorted.substring(sorted.indexOf("id=\"compare-table\""));
                assertTrue(side.contains("<td>page-run</td><td>page-run-2</td>"), "both side by side:\n" + side);
                assertTrue(side.contains("best test accuracy"), side);
                assertTrue(sorted.contains("/api/experiments/page-run-2/charts/best-score.png"), "its charts");
                assertTrue(sorted.contains("2 of 2 experiments"), "the list's count");
                String found = "";
                for (int attempt = 0; attempt < 10 && !found.contains("of 2 experiments"); attempt++) {
                    found = run(browser, "--dump-dom", base + "/#find=page-run-2");
                }
                assertTrue(found.contains("1 of 2 experiments"), "the search box narrows the list:\n" + found);

                Path shot = dir.resolve("page.png");
                run(browser, "--screenshot=" + shot, "--window-size=1280,1000", base + "/");
                BufferedImage img = ImageIO.read(shot.toFile());
                assertEquals(1280, img.getWidth());
                assertTrue(nonWhiteFraction(img) > 0.02, "the screenshot is (nearly) blank");
                Files.copy(
                        shot, Path.of("target", "web-page-it.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                await(vertx.close());
            }
        }
    }

    private static TrainProgress progress(String hash, int epoch, int step, double loss, double accuracy) {
        TrainProgress.Builder b = TrainProgress.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("page-run")
                .setGenomeHash(hash)
                .setEpoch(epoch)
                .setEpochs(3)
                .setTrainLoss(loss);
        if (step > 0) {
            b.setStep(step).setSteps(10).setSecondsLeft(12);
        } else {
            b.setTestAccuracy(accuracy).setTrainAccuracy(accuracy);
        }
        return b.build();
    }

    @Test
    void page_markupInStoredIdAndHash_showsAsTextAndRunsNoScript() throws Exception {
        String browser = browser();
        assumeTrue(browser != null, "no Chromium installed (apt-get install chromium)");
        // Both values are allowed by the topics' rules (ExperimentPlan.isValidId forbids only
        // separators and control characters), so they arrive as any writer sends them.
        String id = "<img src=x onerror=\"document.title='XSS-id'\">";
        String hash = "<img src=x onerror=\"document.title='XSS-hash'\">";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
            }
            ExperimentSpec spec = ExperimentPlan.specBuilder(
                            id, SearchSpaces.builtIn("small"), "evolution", 1, 10, 2, 2)
                    .build();
            Score score = Score.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId(id)
                    .setGenomeHash(hash)
                    .setGenome(GenomeMessages.toProto(Genome.uniform(2, 4.0, 4, 64)))
                    .setParams(1234)
                    .build();
            try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, "it-xss-writer")) {
                p.send(new ProducerRecord<>(
                                Topics.EXPERIMENTS,
                                Topics.experimentKey(id).getBytes(StandardCharsets.UTF_8),
                                spec.toByteArray()))
                        .get();
                p.send(new ProducerRecord<>(
                                Topics.SCORES,
                                Topics.genomeKey(id, hash).getBytes(StandardCharsets.UTF_8),
                                score.toByteArray()))
                        .get();
            }
            Vertx vertx = Vertx.vertx();
            try {
                ApiVerticle api =
                        new ApiVerticle(bootstrap, ApiServerConfig.of("127.0.0.1", 0), "tok", Clock.systemUTC(), null);
                await(vertx.deployVerticle(api));
                awaitCandidate(api, id, hash);

                String dom = run(browser, "--dump-dom", api.url());
                assertTrue(dom.contains("<title>AutoST experiments</title>"), "a stored value ran a script:\n" + dom);
                assertFalse(dom.contains("<img src=\"x\""), "a stored value became an element:\n" + dom);
                // Serialised text: the markup shows literally, escaped, in the list. The leaderboard
                // leaves the score out (its hash is not its genome's), so the hash is checked where
                // it still arrives: the candidate view, opened from the address.
                assertTrue(dom.contains(">" + escaped(id) + "</td>"), "the id is not shown as text:\n" + dom);
                String view = api.url() + "#experiment=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8)
                        + "&candidate=" + java.net.URLEncoder.encode(hash, StandardCharsets.UTF_8);
                String candidateDom = run(browser, "--dump-dom", view);
                assertTrue(
                        candidateDom.contains("<title>AutoST experiments</title>"),
                        "a stored value ran a script:\n" + candidateDom);
                assertFalse(candidateDom.contains("<img src=\"x\""), "a stored value became an element");
                assertTrue(
                        candidateDom.contains(escaped("Candidate " + hash + " of " + id)),
                        "the hash is not shown as text:\n" + candidateDom);
            } finally {
                await(vertx.close());
            }
        }
    }

    /** How Chromium serialises a text node: only {@code &}, {@code <}, {@code >} are escaped. */
    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void awaitCandidate(ApiVerticle api, String id, String hash) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (api.store()
                    .experiment(id)
                    .map(e -> e.spec().isPresent() && e.score(hash).isPresent())
                    .orElse(false)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the API never read the injected records");
    }

    private static String browser() {
        return BROWSERS.stream()
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse(null);
    }

    /** Submits a `small` evolution of population 20 and checks it was accepted. */
    private static void submitSmall(HttpClient http, String base, String id, int seed, int generations)
            throws Exception {
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/experiments"))
                        .header("Authorization", "Bearer tok")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"space\": \"small\", \"seed\": " + seed
                                + ", \"generations\": " + generations + ", \"population\": 20, \"experiment_id\": \""
                                + id + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
    }

    private static String waitForTopHash(HttpClient http, String base) throws Exception {
        return waitForTopHash(http, base, "page-run");
    }

    private static String waitForTopHash(HttpClient http, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/experiments/" + id))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200
                    && new JsonObject(r.body()).getString("phase").equals("finished")) {
                HttpResponse<String> board = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/experiments/" + id + "/leaderboard?limit=1"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return new JsonObject(board.body())
                        .getJsonArray("rows")
                        .getJsonObject(0)
                        .getString("hash");
            }
            Thread.sleep(100);
        }
        throw new AssertionError(id + " did not finish");
    }

    /** Runs headless Chromium with the flags that work without network access; returns stdout. */
    private String run(String browser, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("profile-" + System.nanoTime()),
                "--virtual-time-budget=8000"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(dir.resolve("chromium.log").toFile())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static double nonWhiteFraction(BufferedImage img) {
        long non = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff) {
                    non++;
                }
            }
        }
        return non / (double) ((img.getWidth() / 2) * (img.getHeight() / 2));
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
