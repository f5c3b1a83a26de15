package dev.autost.messaging;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.CompletableFuture;

/**
 * The one lifecycle of the AutoST services as Vert.x verticles: {@link #start()} builds the
 * service's {@link ServiceLoop}, runs it on its own thread and completes when the loop is ready;
 * {@link #stop()} asks it to end and completes after it closed its clients. The Kafka work stays
 * off the event loop; the verticle only starts and stops it.
 */
public abstract class LoopVerticle extends VerticleBase {
    private ServiceLoop loop;

    /** Builds the loop and its clients; called once per start, on the event loop. */
    protected abstract ServiceLoop createLoop();

    @Override
    public Future<?> start() {
        loop = createLoop();
        new Thread(loop, "autost-" + loop.name.replace(' ', '-')).start();
        return Future.fromCompletionStage(loop.ready(), context);
    }

    @Override
    public Future<?> stop() {
        if (loop == null) {
            return Future.succeededFuture();
        }
        loop.stop();
        return Future.fromCompletionStage(loop.done(), context).onComplete(x -> afterStop());
    }

    /** After the loop ended (release meters bound to its clients); does nothing by default. */
    protected void afterStop() {}

    /** Completes when the loop ended, stopped or by itself (a one-shot worker); null before start. */
    public CompletableFuture<Void> done() {
        return loop == null ? null : loop.done();
    }

    /** What ended the loop by itself ({@link ServiceLoop#failure()}); empty before start. */
    public java.util.Optional<Throwable> failure() {
        return loop == null ? java.util.Optional.empty() : loop.failure();
    }
}
