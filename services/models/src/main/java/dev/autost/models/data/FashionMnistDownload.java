package dev.autost.models.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Fetches Fashion-MNIST from its official source into a cache when no copy is installed, and
 * verifies every file before it is used: the SHA-256 of the decompressed IDX content must equal
 * the published data's (the digests below were taken from the real files, Debian's
 * {@code dataset-fashion-mnist}, whose content is the official release). A file that fails the
 * check is deleted and the error names it; nothing half-written ever lands in the cache.
 */
public final class FashionMnistDownload {
    /** The official download location of the gzipped IDX files. */
    public static final URI OFFICIAL = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /** SHA-256 of each file's decompressed content. */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    /**
     * Most bytes accepted for one file, compressed and decompressed: the largest real file is
     * 26 MB gzipped, 47 MB unpacked. A source that sends more (a wrong URL, a gzip bomb) is cut
     * off instead of filling the disk or hashing for ever.
     */
    static final long MAX_FILE_BYTES = 64L << 20;

    /**
     * Longest one file's body may take to arrive. The request's timeout covers only the wait for
     * the headers; a source that then stops sending held the download, and so a trainer's job,
     * for good. The largest file is 26 MB: ten minutes is 45 kB/s.
     */
    static final Duration BODY_DEADLINE = Duration.ofMinutes(10);

    private FashionMnistDownload() {}

    /**
     * {@link #copyAtMost} on a thread of its own, given up after {@code deadline}: a blocked read
     * of an HTTP body has no timeout of its own.
     */
    private static boolean copyWithin(InputStream in, java.io.OutputStream out, Duration deadline, URI uri)
            throws IOException, InterruptedException {
        java.util.concurrent.ExecutorService copier = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fashion-mnist-download");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.Future<Boolean> copy = copier.submit(() -> copyAtMost(in, out));
        try {
            return copy.get(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            copy.cancel(true);
            in.close();
            throw new IOException(uri + " did not send the whole file within " + deadline.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(uri + ": " + e.getCause(), e.getCause());
        } finally {
            copier.shutdownNow();
        }
    }

    /** Copies {@code in} to {@code out}; false, having stopped, once more than {@link #MAX_FILE_BYTES} came. */
    private static boolean copyAtMost(InputStream in, java.io.OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > MAX_FILE_BYTES) {
                return false;
            }
            out.write(buf, 0, n);
        }
        return true;
    }

    /** The cache the loader also searches: {@code ~/.cache/autost/fashion-mnist}. */
    public static Path defaultCache() {
        return Path.of(System.getProperty("user.home"), ".cache", "autost", "fashion-mnist");
    }

    /**
     * Downloads the four files from {@code base} into {@code cache} (as {@code NAME.gz}), checking
     * each; files already in the cache with the right content are kept.
     *
     * @throws DataFormatException  naming the file whose content does not match
     * @throws UncheckedIOException when the source cannot be reached
     */
    public static Path download(URI base, Path cache, HttpClient http) {
        return download(base, cache, http, BODY_DEADLINE);
    }

    /** {@link #download(URI, Path, HttpClient)} with another deadline for each file's body (tests). */
    static Path download(URI base, Path cache, HttpClient http, Duration bodyDeadline) {
        try {
            Files.createDirectories(cache);
            for (Map.Entry<String, String> f : SHA256.entrySet()) {
                Path target = cache.resolve(f.getKey() + ".gz");
                if (Files.isRegularFile(target) && f.getValue().equals(sha256OfGunzipped(target))) {
                    continue;
                }
                Path tmp = Files.createTempFile(cache, f.getKey(), ".part");
                try {
                    URI uri = base.resolve(f.getKey() + ".gz");
                    HttpResponse<InputStream> r = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofMinutes(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = r.body()) {
                        if (r.statusCode() != 200) {
                            throw new UncheckedIOException(
                                    new IOException("GET " + uri + " answered HTTP " + r.statusCode()));
                        }
                        try (java.io.OutputStream out = Files.newOutputStream(tmp)) {
                            if (!copyWithin(body, out, bodyDeadline, uri)) {
                                throw new IOException(uri + " sent more than " + (MAX_FILE_BYTES >> 20)
                                        + " MB; no Fashion-MNIST file is that large");
                            }
                        }
                    }
                    String got = sha256OfGunzipped(tmp);
                    if (!f.getValue().equals(got)) {
                        throw new DataFormatException(
                                tmp,
                                f.getKey() + " from " + uri + " failed its checksum: SHA-256 " + got + ", expected "
                                        + f.getValue());
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return cache;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download Fashion-MNIST from " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while downloading Fashion-MNIST", e));
        }
    }

    /** SHA-256 of a gzip file's decompressed content; a file that is not gzip gives a digest of nothing useful. */
    static String sha256OfGunzipped(Path gz) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(gz), 1 << 16), sha)) {
            if (!copyAtMost(in, java.io.OutputStream.nullOutputStream())) {
                return "over-" + (MAX_FILE_BYTES >> 20) + "-MB-unpacked";
            }
        } catch (java.util.zip.ZipException e) {
            return "not-gzip";
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
