package dev.autost.models.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checkpoint file {@code DIR/checkpoint.bin}: format version, genome (canonical
 * JSON) and backbone, the number of completed epochs, the epoch reports so far and the
 * initial firing rates, then the model parameters (DJL's {@code saveParameters}, BN
 * running statistics included) and the AdamW state. Written by {@link AtomicFile}, so a kill
 * mid-write leaves the previous checkpoint intact; counts read back are checked before use, so a
 * corrupt or crafted file is an {@link IOException}, not an allocation of gigabytes.
 */
final class Checkpoint {
    static final String FILE = "checkpoint.bin";
    private static final int MAGIC = 0x41535443; // "ASTC"
    private static final int FORMAT = 1;
    /** More neurons than any model of the search spaces has: a larger count is a corrupt file. */
    private static final int MAX_RATES = 100_000;

    interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    record Header(String modelId, int completedEpochs, List<EpochReport> history, Map<String, Double> initialRates) {}

    private Checkpoint() {}

    static void save(Path dir, Header h, AtomicFile.Body params, AtomicFile.Body optimizer) throws IOException {
        AtomicFile.write(dir.resolve(FILE), out -> {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(h.modelId());
            out.writeInt(h.completedEpochs());
            writeRates(out, h.initialRates());
            out.writeInt(h.history().size());
            for (EpochReport r : h.history()) {
                out.writeInt(r.epoch());
                out.writeDouble(r.trainLoss());
                out.writeDouble(r.trainAccuracy());
                out.writeDouble(r.testAccuracy());
                out.writeDouble(r.imagesPerSecond());
                out.writeDouble(r.seconds());
                writeRates(out, r.firingRates());
            }
            params.write(out);
            optimizer.write(out);
        });
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Reads the header, checks it belongs to {@code modelId}, then hands the stream to the readers. */
    static Header load(Path dir, String modelId, Reader params, Reader optimizer) throws IOException {
        Path file = dir.resolve(FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + ": not an AutoST checkpoint");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(file + ": checkpoint format " + format + ", this build reads " + FORMAT);
            }
            String id = in.readUTF();
            if (!id.equals(modelId)) {
                throw new IOException(file + ": checkpoint of " + id + ", not of " + modelId);
            }
            int completed = in.readInt();
            Map<String, Double> initial = readRates(in);
            int n = in.readInt();
            if (completed < 0 || n < 0 || n > completed) {
                throw new IOException(
                        file + ": corrupt checkpoint (" + completed + " epochs completed, " + n + " reports)");
            }
            List<EpochReport> history = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                history.add(new EpochReport(
                        in.readInt(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        readRates(in)));
            }
            params.read(in);
            optimizer.read(in);
            return new Header(id, completed, history, initial);
        }
    }

    private static void writeRates(DataOutputStream out, Map<String, Double> rates) throws IOException {
        out.writeInt(rates.size());
        for (var e : new TreeMap<>(rates).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeDouble(e.getValue());
        }
    }

    private static Map<String, Double> readRates(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_RATES) {
            throw new IOException("corrupt checkpoint: " + n + " firing rates (at most " + MAX_RATES + ")");
        }
        Map<String, Double> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(in.readUTF(), in.readDouble());
        }
        return m;
    }
}
