package dev.autost.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/** {@code /health}, {@code /ready} and {@code /metrics} on a port of their own. */
final class ProbeListener extends VerticleBase {
    private final String host;
    private final int port;
    private final Consumer<Router> routes;
    volatile HttpServer server;

    ProbeListener(String host, int port, Consumer<Router> routes) {
        this.host = host;
        this.port = port;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        Router r = Router.router(vertx);
        if (routes != null) {
            routes.accept(r);
        }
        return vertx.createHttpServer(
                        new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false))
                .requestHandler(r)
                .listen()
                .onSuccess(s -> server = s);
    }
}
