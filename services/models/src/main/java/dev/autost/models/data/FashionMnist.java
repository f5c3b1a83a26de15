package dev.autost.models.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST from its four IDX files (gzip or raw): 60 000 training and 10 000 test
 * images, 28x28, one channel, 10 classes.
 *
 * <p>Where the files are looked for: an explicit directory (only there, when given); else the
 * {@code AUTOST_DATA_DIR} environment variable (a {@code fashion-mnist} sub-directory or
 * the directory itself); the Debian package {@code dataset-fashion-mnist}
 * ({@code /usr/share/datasets/fashion-mnist}); {@code ~/.cache/autost/fashion-mnist}.
 * Nothing is downloaded.
 */
public final class FashionMnist {
    public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    public static final int CLASSES = 10;
    private static final String[] FILES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };

    private FashionMnist() {}

    /** Candidate directories: only the explicit one when given, else the default locations in order. */
    public static List<Path> searchPath(Optional<Path> explicit) {
        List<Path> dirs = new ArrayList<>();
        if (explicit.isPresent()) {
            // An explicit directory is authoritative: no silent fallback to another copy.
            dirs.add(explicit.get());
            return dirs;
        }
        String env = System.getenv("AUTOST_DATA_DIR");
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env, "fashion-mnist"));
            dirs.add(Path.of(env));
        }
        dirs.add(Path.of(DEBIAN_DIR));
        dirs.add(Path.of(System.getProperty("user.home"), ".cache", "autost", "fashion-mnist"));
        return dirs;
    }

    /** The first directory holding all four files. */
    public static Optional<Path> locate(Optional<Path> explicit) {
        for (Path dir : searchPath(explicit)) {
            boolean all = true;
            for (String f : FILES) {
                all &= file(dir, f).isPresent();
            }
            if (all) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** Whether the data set can be found without an explicit directory. */
    public static boolean available() {
        return locate(Optional.empty()).isPresent();
    }

    /**
     * Loads the training ({@code train = true}) or test split.
     *
     * @throws DataFormatException if no directory holds the files or a file is corrupt
     */
    public static ImageDataset load(Optional<Path> explicitDir, boolean train) {
        Path dir = locate(explicitDir).orElseGet(() -> downloadOrExplain(explicitDir));
        String images = train ? FILES[0] : FILES[2];
        String labels = train ? FILES[1] : FILES[3];
        return load(
                file(dir, images).orElseThrow(),
                file(dir, labels).orElseThrow(),
                "fashion-mnist/" + (train ? "train" : "test"));
    }

    /**
     * No copy found: without an explicit directory, and unless {@code -Dautost.download=false},
     * fetch the official files into the cache with checksum verification; otherwise (or when
     * that fails) explain where the files were looked for.
     */
    private static Path downloadOrExplain(Optional<Path> explicitDir) {
        String notFound = "Fashion-MNIST IDX files not found; searched " + searchPath(explicitDir)
                + " (apt-get install dataset-fashion-mnist, or pass a directory)";
        if (explicitDir.isPresent() || "false".equals(System.getProperty("autost.download"))) {
            throw new DataFormatException(explicitDir.orElse(Path.of(DEBIAN_DIR)), notFound);
        }
        try {
            return FashionMnistDownload.download(
                    FashionMnistDownload.OFFICIAL,
                    FashionMnistDownload.defaultCache(),
                    java.net.http.HttpClient.newBuilder()
                            .connectTimeout(java.time.Duration.ofSeconds(10))
                            .followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                            .build());
        } catch (java.io.UncheckedIOException e) {
            // The network or the source: a later try may well succeed.
            throw new DataUnavailableException(
                    notFound + "; downloading from the official source failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new DataFormatException(
                    Path.of(DEBIAN_DIR),
                    notFound + "; downloading from the official source failed: " + e.getMessage(),
                    e);
        }
    }

    /** Loads an image file and its label file, checking that they agree. */
    public static ImageDataset load(Path imageFile, Path labelFile, String name) {
        IdxReader.Idx img = IdxReader.readImages(imageFile);
        IdxReader.Idx lab = IdxReader.readLabels(labelFile);
        int count = img.dims()[0];
        if (lab.dims()[0] != count) {
            throw new DataFormatException(
                    labelFile,
                    lab.dims()[0] + " labels but " + imageFile.getFileName() + " holds " + count + " images");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = lab.data()[i] & 0xff;
            if (labels[i] >= CLASSES) {
                throw new DataFormatException(
                        labelFile, "label " + labels[i] + " at index " + i + " is not in [0, 10)");
            }
        }
        return new ImageDataset(
                name, count, 1, img.dims()[1], img.dims()[2], CLASSES, img.data(), labels, Normalization.FASHION_MNIST);
    }

    private static Optional<Path> file(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
