package dev.autost.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download fallback over real HTTP on loopback: a server hands out the real files (from the
 * Debian package) or a corrupted one; the client must accept only content with the published
 * checksums.
 */
class FashionMnistDownloadTest {
    private static final Path REAL = Path.of(FashionMnist.DEBIAN_DIR);

    @TempDir
    Path cache;

    private static HttpServer serve(Set<String> corrupt) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().substring(1);
            Path file = REAL.resolve(name);
            byte[] body = corrupt.contains(name)
                    ? new byte[] {0x1f, (byte) 0x8b, 0, 0}
                    : Files.exists(file) ? Files.readAllBytes(file) : null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        return server;
    }

    private static URI base(HttpServer s) {
        return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/");
    }

    @Test
    void download_realFiles_areVerifiedCachedAndLoad() throws Exception {
        assumeTrue(Files.isDirectory(REAL), "needs the real files: apt-get install dataset-fashion-mnist");
        HttpServer s = serve(Set.of());
        try {
            Path dir = FashionMnistDownload.download(base(s), cache, HttpClient.newHttpClient());
            assertEquals(
                    4, Files.list(dir).filter(p -> p.toString().endsWith(".gz")).count());
            assertEquals(10_000, FashionMnist.load(Optional.of(dir), false).count());
        } finally {
            s.stop(0);
        }
    }

    @Test
    void download_corruptedFile_isRefusedNamingItAndNotCached() throws Exception {
        assumeTrue(Files.isDirectory(REAL), "needs the real files: apt-get install dataset-fashion-mnist");
        HttpServer s = serve(Set.of("t10k-labels-idx1-ubyte.gz"));
        try {
            DataFormatException e = assertThrows(
                    DataFormatException.class,
                    () -> FashionMnistDownload.download(base(s), cache, HttpClient.newHttpClient()));
            assertTrue(
                    e.getMessage().contains("t10k-labels-idx1-ubyte")
                            && e.getMessage().contains("checksum"),
                    e.getMessage());
            assertFalse(Files.exists(cache.resolve("t10k-labels-idx1-ubyte.gz")));
            assertTrue(Files.list(cache).noneMatch(p -> p.toString().endsWith(".part")), "no partial file left");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void download_missingFile_namesTheHttpStatus() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        s.start();
        try {
            UncheckedIOException e = assertThrows(
                    UncheckedIOException.class,
                    () -> FashionMnistDownload.download(base(s), cache, HttpClient.newHttpClient()));
            assertTrue(e.getMessage().contains("404"), e.getMessage());
        } finally {
            s.stop(0);
        }
    }

    /**
     * A source that sends its headers and then nothing held the download, and so a trainer's job,
     * for good (the request timeout ends at the headers): the body has a deadline.
     */
    @Test
    void download_bodyThatStalls_givesUpAtTheDeadlineNamingIt() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        s.createContext("/", ex -> {
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(new byte[] {0x1f, (byte) 0x8b});
            ex.getResponseBody().flush();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        s.start();
        try {
            long t0 = System.nanoTime();
            UncheckedIOException e = assertThrows(
                    UncheckedIOException.class,
                    () -> FashionMnistDownload.download(
                            base(s), cache, HttpClient.newHttpClient(), java.time.Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("did not send the whole file within 1 s"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < java.util.concurrent.TimeUnit.SECONDS.toNanos(20), "gave up in time");
        } finally {
            release.countDown();
            s.stop(0);
        }
    }

    /** A wrong URL that streams without end must not fill the cache's disk. */
    @Test
    void download_endlessBody_isCutOffAtTheCapAndNothingIsLeft() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length
            byte[] chunk = new byte[1 << 20];
            try {
                for (int i = 0; i < 1000; i++) {
                    ex.getResponseBody().write(chunk);
                }
            } catch (java.io.IOException closedByTheClient) {
                // expected: the client stops reading at the cap
            }
            ex.close();
        });
        s.start();
        try {
            UncheckedIOException e = assertThrows(
                    UncheckedIOException.class,
                    () -> FashionMnistDownload.download(base(s), cache, HttpClient.newHttpClient()));
            assertTrue(e.getMessage().contains("sent more than 64 MB"), e.getMessage());
            assertTrue(Files.list(cache).noneMatch(p -> p.toString().endsWith(".part")), "no partial file left");
        } finally {
            s.stop(0);
        }
    }
}
