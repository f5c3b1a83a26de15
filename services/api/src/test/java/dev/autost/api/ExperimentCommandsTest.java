package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.proto.v1.ExperimentSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commands over real HTTP with the publisher passed in: no broker needed to test what they publish. */
class ExperimentCommandsTest {
    private Vertx vertx;
    private HttpServer server;
    private final List<ExperimentSpec> published = new CopyOnWriteArrayList<>();
    private final AtomicBoolean kafkaDown = new AtomicBoolean();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        ExperimentCommands commands = new ExperimentCommands(
                vertx,
                new ExperimentStore(),
                Clock.systemUTC(),
                spec -> {
                    if (kafkaDown.get()) {
                        return Future.failedFuture(new IllegalStateException("broker unreachable"));
                    }
                    published.add(spec);
                    return Future.succeededFuture();
                },
                () -> 1000);
        Router r = Router.router(vertx);
        r.post("/api/experiments").handler(BodyHandler.create(false)).handler(commands::submit);
        server = vertx.createHttpServer()
                .requestHandler(r)
                .listen(0)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> submit(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/api/experiments"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void submit_publishesTheParsedSpecOnce_aSecondOfTheSameIdIsRefused() throws Exception {
        HttpResponse<String> first = submit("{experiment_id: c1, space: fashion-micro, generations: 2}");
        assertEquals(201, first.statusCode(), first.body());
        assertEquals(1, published.size());
        assertEquals("c1", published.get(0).getExperimentId());
        assertEquals(2, published.get(0).getGenerations());
        HttpResponse<String> again = submit("{experiment_id: c1, space: fashion-micro}");
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(1, published.size(), "nothing published twice");
    }

    @Test
    void submit_kafkaRefuses_503AndTheIdCanBeSubmittedAgain() throws Exception {
        kafkaDown.set(true);
        HttpResponse<String> down = submit("{experiment_id: c2, space: fashion-micro}");
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("broker unreachable"), down.body());
        kafkaDown.set(false);
        assertEquals(201, submit("{experiment_id: c2, space: fashion-micro}").statusCode());
        assertEquals(1, published.size());
    }

    @Test
    void submit_badBody_400NamingTheProblem_nothingPublished() throws Exception {
        HttpResponse<String> bad = submit("{space: no-such-space}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(bad.body().contains("no-such-space"), bad.body());
        assertEquals(List.of(), published);
    }
}
