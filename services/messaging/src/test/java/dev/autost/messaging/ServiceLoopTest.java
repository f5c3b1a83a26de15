package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lifecycle's own bookkeeping, with loops that do no Kafka work. */
class ServiceLoopTest {

    /** Serves until stopped, or throws what it was given once ready. */
    private static final class Loop extends ServiceLoop {
        private final RuntimeException thrown;
        private final CountDownLatch stop = new CountDownLatch(1);

        Loop(RuntimeException thrown) {
            super("test");
            this.thrown = thrown;
        }

        @Override
        protected void serve() throws InterruptedException {
            markReady();
            if (thrown != null) {
                throw thrown;
            }
            stop.await();
        }

        @Override
        protected void wakeup() {
            stop.countDown();
        }

        @Override
        protected void closeClients() {}
    }

    @Test
    void failure_loopThrows_isTheError() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        Loop loop = new Loop(boom);
        new Thread(loop).start();

        loop.done().get(10, TimeUnit.SECONDS);

        assertEquals(boom, loop.failure().orElseThrow());
    }

    @Test
    void failure_loopStoppedOnRequest_isEmpty() throws Exception {
        Loop loop = new Loop(null);
        new Thread(loop).start();
        loop.ready().get(10, TimeUnit.SECONDS);

        loop.stop();
        loop.done().get(10, TimeUnit.SECONDS);

        assertTrue(loop.failure().isEmpty());
    }
}
