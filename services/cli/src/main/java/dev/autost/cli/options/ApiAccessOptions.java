package dev.autost.cli.options;

import dev.autost.api.ApiServerConfig;
import picocli.CommandLine.Option;

/**
 * Who may read the API, and where its probes listen: {@code --read-token}, {@code --open-reads},
 * {@code --probe-port}. Reads are open on a loopback address and need the token on any other
 * unless said otherwise (docs/api.md#access).
 */
public final class ApiAccessOptions {
    @Option(
            names = "--read-token",
            description = "Reads need the API token too, even on a loopback address (they do by default once"
                    + " --bind is another address).")
    boolean readToken;

    @Option(
            names = "--open-reads",
            description = "Serve reads to anyone, even bound beyond loopback (an API behind a proxy that checks"
                    + " who reads).")
    boolean openReads;

    @Option(
            names = "--probe-port",
            paramLabel = "PORT",
            description = "Serve /health, /ready and /metrics on this port, apart from the API's (its connection"
                    + " cap, deadlines and rate limit); default: on the API's port.")
    Integer probePort;

    /** {@code base} with these options applied; refuses contradictory ones. */
    public ApiServerConfig apply(ApiServerConfig base) {
        if (readToken && openReads) {
            throw new IllegalArgumentException("--read-token and --open-reads contradict each other: give one");
        }
        ApiServerConfig c = base;
        if (readToken) {
            c = c.withReadsNeedToken(true);
        } else if (openReads) {
            c = c.withReadsNeedToken(false);
        }
        if (probePort != null) {
            if (probePort < 0 || probePort > 65_535) {
                throw new IllegalArgumentException("--probe-port must be in [0, 65535], got " + probePort);
            }
            c = c.withProbePort(probePort);
        }
        return c;
    }
}
