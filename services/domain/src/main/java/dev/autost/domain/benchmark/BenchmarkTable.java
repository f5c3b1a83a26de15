package dev.autost.domain.benchmark;

import dev.autost.domain.genome.GenomeCodec;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The table file, {@code table.csv}: a header, then one row per trained architecture in the order
 * they finished. Columns: {@code hash}, {@code genome} (the JSON {@code autost train --arch}
 * takes), the training-free {@link #METRICS}, {@code seed}, {@code epochs}, the per-epoch
 * {@code epoch_test_accuracies}, {@code epoch_train_losses} and {@code epoch_train_accuracies}
 * (numbers separated by single spaces, epoch 1 first), {@code images_per_second} and
 * {@code seconds}.
 *
 * <p>Rows are appended one at a time, each in one write forced to the disk, so a build stopped at
 * any moment leaves whole rows; a last line cut short by a crash is dropped when read and cut off
 * before the next append.
 */
public final class BenchmarkTable {
    /** The training-free metrics of every row, in column order. */
    public static final List<String> METRICS =
            List.of("params", "flops_syops", "flops_full", "energy_pj", "sahd", "naswot", "energy_init_pj");

    /** Every column, in order. */
    public static final List<String> COLUMNS;

    static {
        List<String> c = new ArrayList<>(List.of("hash", "genome"));
        c.addAll(METRICS);
        c.addAll(List.of(
                "seed",
                "epochs",
                "epoch_test_accuracies",
                "epoch_train_losses",
                "epoch_train_accuracies",
                "images_per_second",
                "seconds"));
        COLUMNS = List.copyOf(c);
    }

    private static final CSVFormat FORMAT =
            CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

    private BenchmarkTable() {}

    /** {@code recipe.json} beside {@code table.csv}, {@code NAME.recipe.json} beside {@code NAME.csv}. */
    public static Path recipeFile(Path table) {
        return beside(table, "recipe.json");
    }

    /** A table's file name without {@code .csv}: the name of the files that belong to it. */
    public static String name(Path table) {
        return table.getFileName().toString().replaceFirst("\\.csv$", "");
    }

    /** {@code KIND} beside {@code table.csv}, {@code NAME.KIND} beside {@code NAME.csv}. */
    public static Path beside(Path table, String kind) {
        String name = name(table);
        return table.toAbsolutePath().getParent().resolve(name.equals("table") ? kind : name + "." + kind);
    }

    /** The rows of {@code file} (none when it does not exist); a torn last line is left out. */
    public static List<TableRow> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return parse(wholeLines(Files.readString(file, StandardCharsets.UTF_8)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the table", e);
        }
    }

    /** Rows of a table's text (a header first). */
    static List<TableRow> parse(String text, String where) {
        List<TableRow> rows = new ArrayList<>();
        try (Reader in = new java.io.StringReader(text)) {
            var parser =
                    FORMAT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in);
            List<String> header = parser.getHeaderNames();
            for (String column : COLUMNS) {
                if (!header.contains(column)) {
                    throw new IllegalArgumentException(where + ": no column '" + column + "' in the header " + header);
                }
            }
            for (CSVRecord r : parser) {
                try {
                    rows.add(row(r));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            where + ", line " + (r.getRecordNumber() + 1) + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private static TableRow row(CSVRecord r) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String m : METRICS) {
            metrics.put(m, parseNumber(r.get(m)));
        }
        TableRow row = new TableRow(
                GenomeCodec.fromJson(r.get("genome")),
                metrics,
                Long.parseLong(r.get("seed")),
                numbers(r.get("epoch_test_accuracies")),
                numbers(r.get("epoch_train_losses")),
                numbers(r.get("epoch_train_accuracies")),
                parseNumber(r.get("images_per_second")),
                parseNumber(r.get("seconds")));
        if (!row.hash().equals(r.get("hash"))) {
            throw new IllegalArgumentException("hash " + r.get("hash") + " is not the genome's (" + row.hash() + ")");
        }
        if (row.epochs() != Integer.parseInt(r.get("epochs"))) {
            throw new IllegalArgumentException(
                    "epochs " + r.get("epochs") + " but " + row.epochs() + " per-epoch figures");
        }
        return row;
    }

    /**
     * Appends {@code row}, writing the header first into a new file; a torn last line (a crash
     * mid-write) is cut off first.
     */
    public static synchronized void append(Path file, TableRow row) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
                long whole = wholeLength(ch);
                ch.truncate(whole);
                ch.position(whole);
                String text = (whole == 0 ? line(COLUMNS) : "") + line(values(row));
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot append to the table", e);
        }
    }

    private static List<String> values(TableRow row) {
        List<String> v = new ArrayList<>();
        v.add(row.hash());
        v.add(row.genome().canonicalJson());
        for (String m : METRICS) {
            v.add(number(row.metrics().get(m)));
        }
        v.add(Long.toString(row.seed()));
        v.add(Integer.toString(row.epochs()));
        v.add(joined(row.epochTestAccuracies()));
        v.add(joined(row.epochTrainLosses()));
        v.add(joined(row.epochTrainAccuracies()));
        v.add(number(row.imagesPerSecond()));
        v.add(number(row.seconds()));
        return v;
    }

    private static String line(List<String> values) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Shortest text that reads back as the same double. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    /** Reads what {@link #number} writes, {@code nan} and {@code infinity} included. */
    static double parseNumber(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "nan" -> Double.NaN;
            case "infinity" -> Double.POSITIVE_INFINITY;
            case "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static String joined(List<Double> xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(number(x));
        }
        return b.toString();
    }

    private static List<Double> numbers(String s) {
        List<Double> out = new ArrayList<>();
        for (String part : s.trim().split(" ")) {
            if (!part.isEmpty()) {
                out.add(parseNumber(part));
            }
        }
        return out;
    }

    /** The text up to its last newline: a last line without one was cut short. */
    private static String wholeLines(String text) {
        int end = text.lastIndexOf('\n');
        return end < 0 ? "" : text.substring(0, end + 1);
    }

    private static long wholeLength(FileChannel ch) throws IOException {
        long size = ch.size();
        long pos = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            ch.read(one, pos - 1);
            if (one.get(0) == '\n') {
                return pos;
            }
            pos--;
        }
        return 0;
    }
}
