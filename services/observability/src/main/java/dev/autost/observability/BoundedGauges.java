package dev.autost.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One gauge per label value, for at most {@code limit} values: the least recently set one is
 * removed from the registry when a new one comes. Per-experiment gauges use it, so a lab that
 * runs experiments for months keeps as many series as a dashboard shows, not one per experiment
 * ever run. Thread-safe.
 */
final class BoundedGauges {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String tag;
    private final Map<String, Entry> gauges;

    private record Entry(double[] value, Gauge gauge) {}

    BoundedGauges(MeterRegistry registry, String name, String description, String tag, int limit) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tag = tag;
        this.gauges = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                if (size() <= limit) {
                    return false;
                }
                registry.remove(eldest.getValue().gauge());
                return true;
            }
        };
    }

    /** Sets the gauge of {@code label} (creating it, and evicting the least recent one, if new). */
    synchronized void set(String label, double value) {
        gauges.computeIfAbsent(label, l -> {
                    double[] holder = new double[1];
                    Gauge g = Gauge.builder(name, holder, a -> a[0])
                            .description(description)
                            .tag(tag, l)
                            .register(registry);
                    return new Entry(holder, g);
                })
                .value()[0] = value;
    }
}
