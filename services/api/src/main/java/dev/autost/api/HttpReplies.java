package dev.autost.api;

import dev.autost.proto.v1.Score;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * How the API answers: JSON bodies and errors, its page's resources, a bounded read that failed,
 * and the experiment or candidate a path names (404 naming what is missing). Stateless.
 */
final class HttpReplies {
    /** Seconds a client is told to wait when bounded work is full. */
    static final int BUSY_RETRY_AFTER_S = 2;

    private HttpReplies() {}

    /** A bounded read that failed: 503 with Retry-After when busy, 404 for a bad name, else 500. */
    static void failRead(RoutingContext ctx, Throwable err) {
        if (ctx.response().closed()) {
            return;
        }
        if (err instanceof BoundedWork.BusyException) {
            ctx.response().putHeader("Retry-After", Integer.toString(BUSY_RETRY_AFTER_S));
            error(ctx, 503, "busy: " + err.getMessage() + " in " + BUSY_RETRY_AFTER_S + " s");
        } else if (err instanceof IllegalArgumentException) {
            error(ctx, 404, err.getMessage());
        } else {
            ctx.fail(err);
        }
    }

    /** {@link #withExperiment}, then the candidate {@code :hash} of it, or 404 naming both. */
    static void withCandidate(
            ExperimentStore store, RoutingContext ctx, BiConsumer<ExperimentStore.Experiment, Score> then) {
        withExperiment(store, ctx, e -> {
            String hash = ctx.pathParam("hash");
            Optional<Score> s = e.score(hash);
            if (s.isEmpty()) {
                error(
                        ctx,
                        404,
                        e.summarised()
                                ? "candidate " + hash + " is not among the " + e.kept()
                                        + " kept of finished experiment "
                                        + e.id() + " (a finished experiment keeps its best and trained candidates;"
                                        + " `autost report` reads all its scores while the topic retains them)"
                                : "no candidate " + hash + " in experiment " + e.id());
                return;
            }
            then.accept(e, s.get());
        });
    }

    /** The experiment {@code :id} of the path, or 404 naming it. */
    static void withExperiment(ExperimentStore store, RoutingContext ctx, Consumer<ExperimentStore.Experiment> then) {
        String id = ctx.pathParam("id");
        Optional<ExperimentStore.Experiment> e = store.experiment(id);
        if (e.isEmpty()) {
            error(ctx, 404, "no experiment " + id);
            return;
        }
        then.accept(e.get());
    }

    static int intParam(RoutingContext ctx, String name, int dflt) {
        String v = ctx.request().getParam(name);
        try {
            return v == null ? dflt : Math.max(0, Math.min(10_000, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static void json(RoutingContext ctx, int status, Object body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode());
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message).put("status", status));
    }

    static void resource(RoutingContext ctx, String name, String type) {
        try (InputStream in = HttpReplies.class.getResourceAsStream("/dev/autost/api/" + name)) {
            if (in == null) {
                error(ctx, 404, "missing resource " + name);
                return;
            }
            ctx.response().putHeader("Content-Type", type).end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            error(ctx, 500, e.getMessage());
        }
    }
}
