package dev.autost.cli.options;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The bearer token of the HTTP API's mutating calls, from {@code --api-token-file}, {@code
 * $AUTOST_API_TOKEN} or the deprecated {@code --api-token}. The token never appears in the
 * output: one the user did not choose is written to an owner-only file whose path is printed. A
 * mixin of {@link ApiOptions} ({@code serve}, {@code search}) and of {@code service api}.
 */
public final class ApiTokenOptions {
    /** Environment variable read for the token when no option gives one. */
    public static final String TOKEN_ENV = "AUTOST_API_TOKEN";

    /** A token file longer than this is not a token (and {@code /dev/zero} must not hang the start). */
    static final int MAX_TOKEN_FILE_BYTES = 4096;

    /**
     * Shortest token accepted from any source: a one-character token was accepted and is guessed
     * at once; 16 characters of hex are 64 bits.
     */
    public static final int MIN_TOKEN_LENGTH = 16;

    @Option(
            names = "--api-token",
            paramLabel = "TOKEN",
            description = "Bearer token for mutating API calls. Deprecated: every user of the machine sees it "
                    + "in `ps`; use --api-token-file or $" + TOKEN_ENV + ".")
    String apiToken;

    @Option(
            names = "--api-token-file",
            paramLabel = "FILE",
            description = "File whose first line is the bearer token for mutating API calls (keep it owner-only;"
                    + " a missing one is created owner-only with a random token and kept). Default: $" + TOKEN_ENV
                    + ", else a random token written to an owner-only temporary file whose path is printed.")
    Path apiTokenFile;

    /**
     * The bearer token and, when none was given, the owner-only file a random one was written to
     * (a temporary one, deleted at exit, or the {@code --api-token-file} that did not exist yet,
     * kept: {@link #kept}). Callers print {@link #generatedFile()}, never {@link #value()}.
     */
    public record Token(String value, Optional<Path> generatedFile, boolean kept) {
        public Token {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(generatedFile, "generatedFile");
        }

        public Token(String value, Optional<Path> generatedFile) {
            this(value, generatedFile, false);
        }

        /** How the printed path is described: where the token is, and whether it outlives the process. */
        public String describeFile() {
            return kept ? "owner-only, kept for the next run" : "owner-only, deleted at exit";
        }

        @Override
        public String toString() {
            return "Token[" + generatedFile.map(f -> "in " + f).orElse("given") + "]";
        }
    }

    /**
     * The token from {@code --api-token}, {@code --api-token-file} or {@code $AUTOST_API_TOKEN},
     * in that order, else a random one written to an owner-only temporary file (deleted when the
     * process exits).
     *
     * @throws IllegalArgumentException when a token source is given but empty, or both options are
     * @throws UncheckedIOException when the token file cannot be read or written
     */
    public Token token() {
        return token(System::getenv, null);
    }

    /** {@link #token()} with the environment and the folder for a generated token given (tests). */
    Token token(Function<String, String> env, Path generatedDir) {
        if (apiToken != null && apiTokenFile != null) {
            throw new IllegalArgumentException("--api-token and --api-token-file cannot be combined: give one");
        }
        if (apiToken != null) {
            if (apiToken.isBlank()) {
                throw new IllegalArgumentException("--api-token is empty");
            }
            return new Token(strong("--api-token", apiToken), Optional.empty());
        }
        if (apiTokenFile != null) {
            if (!Files.exists(apiTokenFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // The README's lab command names a file a fresh machine does not have yet.
                String created = randomToken();
                createOwnerOnly(apiTokenFile, created);
                return new Token(created, Optional.of(apiTokenFile), true);
            }
            return new Token(strong("--api-token-file " + apiTokenFile, readTokenFile(apiTokenFile)), Optional.empty());
        }
        String fromEnv = env.apply(TOKEN_ENV);
        if (fromEnv != null) {
            // Set but empty is a mistake (an unfilled secret), not a wish for a random token.
            if (fromEnv.isBlank()) {
                throw new IllegalArgumentException(
                        "$" + TOKEN_ENV + " is set but empty: set a token (e.g. openssl rand -hex 32) or unset it");
            }
            return new Token(strong("$" + TOKEN_ENV, fromEnv.strip()), Optional.empty());
        }
        String generated = randomToken();
        return new Token(generated, Optional.of(writeOwnerOnly(generated, generatedDir)));
    }

    /** 256 random bits in hex. */
    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String strong(String source, String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(source + ": the API token has " + token.length()
                    + " characters, at least " + MIN_TOKEN_LENGTH + " are needed (e.g. openssl rand -hex 32)");
        }
        return token;
    }

    /** A new owner-only file at {@code file} holding {@code token}; refused if anything is there already. */
    private static void createOwnerOnly(Path file, String token) {
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("--api-token-file " + file + ": it does not exist and cannot be created", e);
        }
    }

    private static String readTokenFile(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_TOKEN_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("--api-token-file " + file + ": cannot read it", e);
        }
        if (bytes.length > MAX_TOKEN_FILE_BYTES) {
            throw new IllegalArgumentException(
                    "--api-token-file " + file + " is over " + MAX_TOKEN_FILE_BYTES + " bytes: not a token file");
        }
        String token = new String(bytes, StandardCharsets.UTF_8)
                .lines()
                .findFirst()
                .orElse("")
                .strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--api-token-file " + file + " has no token on its first line");
        }
        return token;
    }

    /** A new file readable by its owner only, holding {@code token}; deleted when the JVM exits. */
    private static Path writeOwnerOnly(String token, Path dir) {
        try {
            Path f;
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
                f = dir == null
                        ? Files.createTempFile("autost-api-token-", ".txt", ownerOnly)
                        : Files.createTempFile(dir, "autost-api-token-", ".txt", ownerOnly);
            } else {
                // Elsewhere the temporary folder is the user's own (Windows: %TEMP% in the profile).
                f = dir == null
                        ? Files.createTempFile("autost-api-token-", ".txt")
                        : Files.createTempFile(dir, "autost-api-token-", ".txt");
            }
            Files.writeString(f, token + "\n");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated API token to a file", e);
        }
    }
}
