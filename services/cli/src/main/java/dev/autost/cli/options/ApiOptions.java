package dev.autost.cli.options;

import dev.autost.api.ApiServerConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the HTTP API listens, and its token ({@link ApiTokenOptions}).
 */
public final class ApiOptions {
    @Option(
            names = "--http-port",
            description = "Port of the HTTP API, the web page and /metrics (default: ${DEFAULT-VALUE}).",
            defaultValue = "8080")
    int httpPort;

    @Option(
            names = "--bind",
            paramLabel = "HOST",
            description = "Address the HTTP API listens on (default: ${DEFAULT-VALUE}, this machine only; "
                    + "0.0.0.0 for every interface, as in a container).",
            defaultValue = ApiServerConfig.DEFAULT_HOST)
    String bind;

    @Option(names = "--no-http", description = "Do not start the HTTP API.")
    boolean noHttp;

    @Mixin
    ApiTokenOptions tokens;

    @Mixin
    ApiAccessOptions access;

    public int httpPort() {
        return httpPort;
    }

    /** Whether to start the HTTP API at all. */
    public boolean enabled() {
        return !noHttp;
    }

    /**
     * Where the API listens ({@code --bind}, {@code --http-port}) and who reads it ({@link
     * ApiAccessOptions}); default idle timeout, connection cap, deadline and rate limit.
     */
    public ApiServerConfig server() {
        return access.apply(ApiServerConfig.of(bind, httpPort));
    }

    /** The token; callers print {@link ApiTokenOptions.Token#generatedFile()}, never the value. */
    public ApiTokenOptions.Token token() {
        return tokens.token();
    }
}
