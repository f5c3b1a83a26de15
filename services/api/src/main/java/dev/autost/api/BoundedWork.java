package dev.autost.api;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Expensive reads (chart renders, leaderboard sorts of a large experiment) run on a small worker
 * pool, never on the event loop, and at most {@code maxPending} of a kind wait or run at once:
 * one more fails at once with {@link BusyException}, which the API answers 503 with Retry-After.
 * Before, renders queued without bound behind one another and sorts ran on the event loop, so
 * anonymous readers could hold every answer, the probes' included.
 */
final class BoundedWork {
    /** The work is refused: as many of its kind wait already. */
    static final class BusyException extends RuntimeException {
        BusyException(String message) {
            super(message, null, false, false);
        }
    }

    private final WorkerExecutor pool;
    private final int maxPending;
    private final String what;
    private final AtomicInteger pending = new AtomicInteger();

    BoundedWork(WorkerExecutor pool, int maxPending, String what) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        }
        this.pool = pool;
        this.maxPending = maxPending;
        this.what = what;
    }

    <T> Future<T> submit(Callable<T> work) {
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            return Future.failedFuture(new BusyException(maxPending + " " + what + " already wait or run; try again"));
        }
        return pool.<T>executeBlocking(work, false).andThen(done -> pending.decrementAndGet());
    }

    int pending() {
        return pending.get();
    }
}
