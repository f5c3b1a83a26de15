package dev.autost.api;

import static dev.autost.api.HttpReplies.error;
import static dev.autost.api.HttpReplies.json;
import static dev.autost.api.HttpReplies.withExperiment;

import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The API's commands: submit an experiment (parsed and checked off the event loop, refused when
 * its id exists or the queue is full) and stop one. What they publish goes through the {@link
 * Publisher} they are given (the API's Kafka producer, or a test's), so they are tested without a
 * broker.
 */
final class ExperimentCommands {
    /** Publishes a spec to {@code autost.experiments}; the future fails when Kafka refuses it. */
    interface Publisher {
        Future<Void> publish(ExperimentSpec spec);
    }

    private final io.vertx.core.Vertx vertx;
    private final ExperimentStore store;
    private final Clock clock;
    private final Publisher publisher;
    private final IntSupplier maxQueued;
    private final java.util.Set<String> submitted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param maxQueued experiments that may wait for a running slot (--max-queued-experiments) */
    ExperimentCommands(
            io.vertx.core.Vertx vertx, ExperimentStore store, Clock clock, Publisher publisher, IntSupplier maxQueued) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.maxQueued = Objects.requireNonNull(maxQueued, "maxQueued");
    }

    void submit(RoutingContext ctx) {
        String body = ctx.body().asString();
        if (body == null || body.isBlank()) {
            error(ctx, 400, "empty body: send the experiment as JSON or YAML");
            return;
        }
        // Off the event loop: the feasibility check draws a first generation as the sampler would.
        vertx.<ExperimentSpec>executeBlocking(() -> new SubmissionParser(clock).parse(body), false)
                .onSuccess(spec -> submit(ctx, spec))
                .onFailure(e -> {
                    if (e instanceof SubmissionParser.BadSubmissionException) {
                        error(ctx, 400, e.getMessage());
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void submit(RoutingContext ctx, ExperimentSpec spec) {
        // The store learns of a spec only when it reads it back from Kafka; ids submitted here
        // are remembered too, so a duplicate right after the first submission is refused, until
        // the store has read them (then it answers, and the set stays as small as that lag).
        submitted.removeIf(id ->
                store.experiment(id).flatMap(ExperimentStore.Experiment::spec).isPresent());
        if (!submitted.add(spec.getExperimentId())
                || store.experiment(spec.getExperimentId())
                        .flatMap(ExperimentStore.Experiment::spec)
                        .isPresent()) {
            error(ctx, 409, "experiment " + spec.getExperimentId() + " already exists");
            return;
        }
        long waiting = store.waiting();
        if (waiting >= maxQueued.getAsInt()) {
            submitted.remove(spec.getExperimentId());
            error(
                    ctx,
                    400,
                    "the queue is full: " + waiting + " experiments wait for a running slot (at most "
                            + maxQueued.getAsInt() + ": --max-queued-experiments); submit it again later");
            return;
        }
        publisher
                .publish(spec)
                .onSuccess(v -> json(
                        ctx,
                        201,
                        new JsonObject()
                                .put("id", spec.getExperimentId())
                                .put("status", "/api/experiments/" + spec.getExperimentId())))
                .onFailure(e -> {
                    submitted.remove(spec.getExperimentId());
                    error(ctx, 503, "cannot publish to Kafka: " + e.getMessage());
                });
    }

    void stop(RoutingContext ctx) {
        withExperiment(store, ctx, e -> {
            Optional<ExperimentSpec> spec = e.spec();
            if (spec.isEmpty()) {
                error(ctx, 404, "experiment " + e.id() + " has no spec");
                return;
            }
            ExperimentSpec stopped = spec.get().toBuilder()
                    .putOptions(ExperimentPlan.STOPPED_OPTION, "true")
                    .build();
            publisher
                    .publish(stopped)
                    .onSuccess(v ->
                            json(ctx, 202, new JsonObject().put("id", e.id()).put("stopping", true)))
                    .onFailure(err -> error(ctx, 503, "cannot publish to Kafka: " + err.getMessage()));
        });
    }
}
