package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every service's Kafka loop shares: it runs on one dedicated thread (Kafka's
 * consumer is single-threaded and its {@code poll} blocks), says when it is {@link #ready()},
 * ends on {@link #stop()}, closes its clients and then completes {@link #done()}. Subclasses
 * supply {@link #serve()}; this class owns the error handling and the "send and wait for every
 * acknowledgement" step that makes outputs durable before their inputs count as handled.
 */
public abstract class ServiceLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLoop.class);
    /** Slice of waiting for one acknowledgement between checks of the stop flag. */
    private static final Duration ACK_WAIT = Duration.ofMillis(100);
    /** Pause before resending what failed. */
    private static final Duration RESEND_BACKOFF = Duration.ofMillis(500);

    protected final String name;
    /** Reports outputs the broker refuses for good (no meter: such outputs are rare and logged). */
    private final DeadLetters refused;

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile Throwable failure;

    protected ServiceLoop(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.refused = new DeadLetters(name, java.time.Clock.systemUTC());
    }

    /** Completes once the loop serves (after its start-up work); fails if it stops before. */
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes after the loop ended and its clients were closed. */
    public final CompletableFuture<Void> done() {
        return done;
    }

    /** Asks the loop to end; work whose outputs are not acknowledged stays unacknowledged. */
    public final void stop() {
        running = false;
        wakeup();
    }

    protected final boolean running() {
        return running;
    }

    /**
     * What ended the loop by itself, once {@link #done()} completed: empty after a requested stop
     * or a one-shot worker's last request. A process must not outlive a failed loop looking
     * healthy.
     */
    public final java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Marks the loop ready; called by {@link #serve()} when its start-up work is done. */
    protected final void markReady() {
        ready.complete(null);
    }

    /** The loop itself: start-up work, {@link #markReady()}, then serve while {@link #running()}. */
    protected abstract void serve() throws InterruptedException;

    /** Interrupts a blocking poll (Kafka's {@code wakeup}); called from any thread. */
    protected abstract void wakeup();

    /** Closes the loop's clients; called once, on the loop thread, after {@link #serve()}. */
    protected abstract void closeClients();

    @Override
    public final void run() {
        try {
            serve();
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} woken up unexpectedly", name, e);
                failure = e;
                ready.completeExceptionally(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (running) {
                failure = e;
            }
            ready.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            LOG.error("{} stopped on an unexpected error", name, e);
            failure = e;
            ready.completeExceptionally(e);
        } finally {
            ready.completeExceptionally(new MessagingException(name + " stopped before it was ready", null));
            closeClients();
            done.complete(null);
        }
    }

    /**
     * Sends every record and waits for every acknowledgement; resends what failed, in order,
     * until it is acknowledged. A record the broker refuses for good (too large, not
     * serializable) is replaced by its dead letter (with the value truncated, so it fits), and
     * only that record; a dead letter refused for good is dropped with an error. A send error no
     * resend can cure ({@link #isFatal}: authentication, authorization, a fenced producer) ends
     * the loop with a {@link MessagingException}.
     *
     * @return true when all were acknowledged (or dropped), false when the loop was stopped first
     */
    protected final boolean sendAll(Producer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records)
            throws InterruptedException {
        List<ProducerRecord<byte[], byte[]>> pending = records;
        while (!pending.isEmpty()) {
            List<Future<?>> sends = new ArrayList<>(pending.size());
            for (ProducerRecord<byte[], byte[]> r : pending) {
                sends.add(producer.send(r));
            }
            List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
            Throwable cause = null;
            for (int i = 0; i < sends.size(); i++) {
                try {
                    while (!await(sends.get(i))) {
                        if (!running) {
                            return false;
                        }
                    }
                } catch (ExecutionException e) {
                    ProducerRecord<byte[], byte[]> r = pending.get(i);
                    if (isFatal(e.getCause())) {
                        // Resending cannot help and the service would sit stuck yet ready: end it
                        // (the process exits 70), so its supervisor restarts it and someone looks.
                        throw new MessagingException(
                                name + ": the broker refuses this service's output to " + r.topic() + " for good ("
                                        + e.getCause() + "); check its credentials and ACLs",
                                e.getCause());
                    }
                    if (!(e.getCause() instanceof RecordTooLargeException
                            || e.getCause() instanceof SerializationException)) {
                        failed.add(r);
                        cause = e.getCause();
                    } else if (!r.topic().equals(Topics.DEAD_LETTERS)) {
                        // Resending cannot help: report it where nothing is lost, keep the rest flowing.
                        failed.add(refused.refusedOutput(r, e.getCause()));
                    } else {
                        LOG.error(
                                "{}: dropping a dead letter the broker refuses for good: {}",
                                name,
                                e.getCause().toString());
                    }
                }
            }
            if (!failed.isEmpty()) {
                if (cause != null) {
                    // Idempotent producer and keyed outputs: resending is harmless; order among them is kept.
                    LOG.warn("{}: produce failed, resending {} record(s): {}", name, failed.size(), cause.toString());
                    Thread.sleep(RESEND_BACKOFF.toMillis());
                }
                if (!running) {
                    return false;
                }
            }
            pending = failed;
        }
        return true;
    }

    /**
     * Send errors no resend can cure: the credentials or ACLs (a missing ACL, rotated
     * credentials), a producer fenced by a newer one with its id, or a broker that does not speak
     * the request.
     */
    static boolean isFatal(Throwable cause) {
        return cause instanceof org.apache.kafka.common.errors.AuthenticationException
                || cause instanceof org.apache.kafka.common.errors.AuthorizationException
                || cause instanceof org.apache.kafka.common.errors.ProducerFencedException
                || cause instanceof org.apache.kafka.common.errors.UnsupportedVersionException;
    }

    /** Waits a little for one send, so that {@link #stop()} is not held up by a broker that is gone. */
    private static boolean await(Future<?> f) throws ExecutionException, InterruptedException {
        try {
            f.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** Runs one close step; a failure is logged so the other clients still close. */
    protected final void closeQuietly(String what, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the {} failed: {}", name, what, e.toString());
        }
    }
}
