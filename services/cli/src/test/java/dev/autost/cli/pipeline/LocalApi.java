package dev.autost.cli.pipeline;

import dev.autost.api.ApiServerConfig;
import dev.autost.api.ApiVerticle;
import dev.autost.observability.Observability;
import java.time.Clock;

/** The HTTP API on the broker of a {@link LocalServices}, as {@code autost serve} runs it, for the pipeline tests. */
final class LocalApi {
    private LocalApi() {}

    /**
     * Deploys the API on a free port of 127.0.0.1, bearer token {@code tok}, with the endpoints of
     * {@code obs} (metrics, health, readiness) on its router and its Kafka clients' metrics in them.
     *
     * @return its base URL
     */
    static String deploy(LocalServices services, Observability obs) {
        ApiVerticle api = new ApiVerticle(
                        services.bootstrapServers(),
                        ApiServerConfig.of("127.0.0.1", 0),
                        "tok",
                        Clock.systemUTC(),
                        obs::mountOn)
                .kafkaMetrics(obs.registry());
        services.deploy(api);
        return "http://127.0.0.1:" + api.actualPort();
    }
}
