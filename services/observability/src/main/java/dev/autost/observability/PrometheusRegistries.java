package dev.autost.observability;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Builds the registry of one JVM: Prometheus format, with the JVM and process binders. */
public final class PrometheusRegistries {

    private PrometheusRegistries() {}

    /**
     * A new Prometheus registry with class-loader, memory, GC, thread, processor and uptime
     * meters. The GC binder holds JMX listeners: close it with the registry (see
     * {@link Observability#close()}).
     *
     * @return the registry and the GC binder to close
     */
    static Registry newRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return new Registry(registry, gc);
    }

    /** A registry and the binder that must be closed with it. */
    record Registry(PrometheusMeterRegistry prometheus, JvmGcMetrics gc) implements AutoCloseable {
        @Override
        public void close() {
            gc.close();
            prometheus.close();
        }
    }
}
