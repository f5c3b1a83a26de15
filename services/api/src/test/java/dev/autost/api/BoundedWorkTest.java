package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedWorkTest {
    @Test
    void submit_overTheBound_failsAtOnceAsBusy_andTakesWorkAgainOnceDone() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            BoundedWork work = new BoundedWork(vertx.createSharedWorkerExecutor("bounded-test", 2), 3, "renders");
            CountDownLatch release = new CountDownLatch(1);
            List<Future<Integer>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                held.add(work.submit(() -> {
                    release.await();
                    return n;
                }));
            }
            Future<Integer> fourth = work.submit(() -> 4);
            assertTrue(fourth.failed(), "refused without waiting");
            assertInstanceOf(BoundedWork.BusyException.class, fourth.cause());
            assertTrue(
                    fourth.cause().getMessage().startsWith("3 renders already wait or run"),
                    fourth.cause().getMessage());
            release.countDown();
            for (Future<Integer> f : held) {
                f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertEquals(0, work.pending());
            assertEquals(
                    5,
                    work.submit(() -> 5)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
