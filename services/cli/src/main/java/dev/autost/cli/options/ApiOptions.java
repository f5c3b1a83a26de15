package dev.autost.cli.options;

import dev.autost.api.ApiServerConfig;
import java.security.SecureRandom;
import java.util.HexFormat;
import picocli.CommandLine.Option;

/** Where the HTTP API listens and the token its mutating calls need. */
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
                    + "0.0.0.0 for every interface, e.g. in a container).",
            defaultValue = ApiServerConfig.DEFAULT_HOST)
    String bind;

    @Option(names = "--no-http", description = "Do not start the HTTP API.")
    boolean noHttp;

    @Option(
            names = "--api-token",
            description =
                    "Bearer token for mutating API calls (default: $AUTOST_API_TOKEN, else a random one printed at start).")
    String apiToken;

    public int httpPort() {
        return httpPort;
    }

    /** Where the API listens: {@code --bind} and {@code --http-port}, default idle timeout and connection cap. */
    public ApiServerConfig server() {
        return ApiServerConfig.of(bind, httpPort);
    }

    /** Whether to start the HTTP API at all. */
    public boolean enabled() {
        return !noHttp;
    }

    /** The configured token, or a fresh random one (reported by the caller). */
    public String tokenOrRandom() {
        if (apiToken != null && !apiToken.isBlank()) {
            return apiToken;
        }
        String env = System.getenv("AUTOST_API_TOKEN");
        if (env != null && !env.isBlank()) {
            return env;
        }
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Whether the user chose the token (else it is printed so they can use it). */
    public boolean explicitToken() {
        return (apiToken != null && !apiToken.isBlank())
                || (System.getenv("AUTOST_API_TOKEN") != null
                        && !System.getenv("AUTOST_API_TOKEN").isBlank());
    }
}
