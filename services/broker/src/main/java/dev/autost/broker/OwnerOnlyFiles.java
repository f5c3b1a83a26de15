package dev.autost.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;

/**
 * Files and folders only their owner may read: what holds a password, a private key or a
 * configuration naming either. On a file system without POSIX permissions (Windows) the
 * permissions are left to the system.
 */
final class OwnerOnlyFiles {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnlyFiles() {}

    /** Creates {@code dir} (and missing parents) and makes it owner-only. */
    static Path directory(Path dir) {
        try {
            Files.createDirectories(dir);
            restrict(dir, DIRECTORY);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    /**
     * Writes {@code props} to {@code file}, owner-only from the first byte: the file is created
     * (or truncated) with its permissions restricted before anything is written.
     */
    static void writeProperties(Path file, Properties props, String comment) {
        try {
            if (!Files.exists(file) && POSIX) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            }
            restrict(file, FILE);
            try (OutputStream out = Files.newOutputStream(
                    file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                props.store(out, comment);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /**
     * Writes {@code lines} to {@code file} as they are, owner-only from the first byte (a
     * properties file meant to be read and copied by people: no escaping).
     */
    static void writeLines(Path file, java.util.List<String> lines) {
        try {
            if (!Files.exists(file) && POSIX) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            }
            restrict(file, FILE);
            Files.write(file, lines, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Makes an existing file owner-only (e.g. a keystore keytool wrote with the umask's permissions). */
    static void restrict(Path file) {
        try {
            restrict(file, Files.isDirectory(file) ? DIRECTORY : FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restrict " + file, e);
        }
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (POSIX && Files.exists(path)) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }
}
