package dev.autost.api;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The charts as served: each rendered once per change of its experiment ({@link
 * ExperimentStore.Experiment#changes()}), requests for a chart being rendered wait for that
 * render, and renders go through {@link BoundedWork}. The page asks for every chart of an
 * experiment every few seconds; 300 readers of one unchanged chart now cost one render.
 */
final class ChartRenders {
    /** Charts kept: 6 per experiment, for the experiments being looked at. */
    static final int MAX_CACHED = 256;

    private record Rendered(long stamp, byte[] png) {}

    private final BoundedWork renders;
    private final Map<String, Rendered> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Rendered> eldest) {
            return size() > MAX_CACHED;
        }
    };
    private final Map<String, Future<byte[]>> inFlight = new ConcurrentHashMap<>();

    ChartRenders(BoundedWork renders) {
        this.renders = renders;
    }

    /**
     * The PNG of chart {@code name} of {@code e}; fails with {@link IllegalArgumentException} for
     * an unknown name and {@link BoundedWork.BusyException} when too many renders wait.
     */
    Future<byte[]> png(ExperimentStore.Experiment e, String name) {
        String key = e.id() + "/" + name;
        long stamp = e.changes();
        synchronized (cache) {
            Rendered r = cache.get(key);
            if (r != null && r.stamp() == stamp) {
                return Future.succeededFuture(r.png());
            }
        }
        String flight = key + "@" + stamp;
        Future<byte[]> running = inFlight.get(flight);
        if (running != null) {
            return running;
        }
        Future<byte[]> f = renders.submit(() -> Charts.render(e, name));
        inFlight.put(flight, f);
        return f.andThen(done -> {
            inFlight.remove(flight);
            if (done.succeeded()) {
                synchronized (cache) {
                    cache.put(key, new Rendered(stamp, done.result()));
                }
            }
        });
    }
}
