package dev.autost.models.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or raw (detected
 * from the gzip magic bytes). Header: two zero bytes, type byte 0x08 (unsigned byte),
 * number of dimensions, then each dimension as a big-endian int; then the data.
 */
public final class IdxReader {
    private static final int UBYTE = 0x08;

    private IdxReader() {}

    /** Images: a 3-dimensional IDX file (count, rows, cols). Returns {count, rows, cols} and the bytes. */
    public static Idx readImages(Path file) {
        return read(file, 3, "an image file with 3 dimensions (magic 0x00000803)");
    }

    /** Labels: a 1-dimensional IDX file. */
    public static Idx readLabels(Path file) {
        return read(file, 1, "a label file with 1 dimension (magic 0x00000801)");
    }

    private static Idx read(Path file, int dims, String expected) {
        Idx idx = read(file);
        if (idx.dims.length != dims) {
            throw new DataFormatException(file, "expected " + expected + ", found " + idx.dims.length);
        }
        return idx;
    }

    /** Dimensions and raw data of one IDX file. */
    public record Idx(int[] dims, byte[] data) {}

    static Idx read(Path file) {
        byte[] bytes = decompressedBytes(file);
        if (bytes.length < 4) {
            throw new DataFormatException(
                    file, "truncated: " + bytes.length + " bytes, shorter than the 4-byte IDX magic");
        }
        if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != UBYTE) {
            throw new DataFormatException(
                    file,
                    String.format(
                            "not an unsigned-byte IDX file: magic 0x%02x%02x%02x%02x, expected 0x000008xx",
                            bytes[0], bytes[1], bytes[2], bytes[3]));
        }
        int n = bytes[3] & 0xff;
        if (n < 1 || n > 4) {
            throw new DataFormatException(file, "unsupported number of dimensions " + n);
        }
        int header = 4 + 4 * n;
        if (bytes.length < header) {
            throw new DataFormatException(
                    file,
                    "truncated header: " + bytes.length + " bytes, the header of a " + n + "-dimensional file has "
                            + header);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 4, 4 * n);
        int[] dims = new int[n];
        long expected = 1;
        for (int i = 0; i < n; i++) {
            dims[i] = buf.getInt();
            if (dims[i] < 0) {
                throw new DataFormatException(file, "negative dimension " + dims[i]);
            }
            expected *= dims[i];
        }
        long actual = bytes.length - header;
        if (actual < expected) {
            throw new DataFormatException(
                    file, "truncated: the header promises " + expected + " data bytes, found " + actual);
        }
        if (actual > expected) {
            throw new DataFormatException(
                    file,
                    actual - expected + " trailing bytes after the " + expected + " data bytes the header promises");
        }
        byte[] data = new byte[(int) expected];
        System.arraycopy(bytes, header, data, 0, data.length);
        return new Idx(dims, data);
    }

    static byte[] decompressedBytes(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                try (InputStream gz = new GZIPInputStream(raw, 1 << 16)) {
                    return gz.readAllBytes();
                } catch (EOFException e) {
                    throw new DataFormatException(file, "truncated gzip stream (unexpected end of file)", e);
                } catch (ZipException e) {
                    throw new DataFormatException(file, "corrupt gzip stream: " + e.getMessage(), e);
                }
            }
            return raw.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found", e);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e, e);
        }
    }
}
