package dev.autost.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.api.ApiServerConfig;
import dev.autost.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ApiOptionsTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    @Command
    static final class Holder {
        @Mixin
        ApiOptions api;
    }

    private static ApiOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.api;
    }

    @Test
    void server_noBind_listensOnLoopbackWithTheDefaultLimits() {
        ApiServerConfig server = parse().server();
        assertEquals(ApiServerConfig.of("127.0.0.1", 8080), server);
        assertEquals(ApiServerConfig.DEFAULT_IDLE_TIMEOUT, server.idleTimeout());
        assertEquals(ApiServerConfig.DEFAULT_MAX_CONNECTIONS, server.maxConnections());
    }

    @Test
    void server_bindGiven_listensThere() {
        assertEquals(
                ApiServerConfig.of("0.0.0.0", 9090),
                parse("--bind", "0.0.0.0", "--http-port", "9090").server());
    }

    @Test
    void server_readsOpenOnLoopback_needTheTokenBeyond_unlessSaidOtherwise() {
        assertFalse(parse().server().readsNeedToken());
        assertTrue(parse("--bind", "0.0.0.0").server().readsNeedToken());
        assertTrue(parse("--read-token").server().readsNeedToken());
        assertFalse(parse("--bind", "0.0.0.0", "--open-reads").server().readsNeedToken());
        IllegalArgumentException both = assertThrows(
                IllegalArgumentException.class,
                () -> parse("--read-token", "--open-reads").server());
        assertTrue(both.getMessage().contains("contradict"), both.getMessage());
    }

    @Test
    void server_probePort_servesTheProbesApart() {
        assertEquals(ApiServerConfig.PROBES_ON_API_PORT, parse().server().probePort());
        assertEquals(8081, parse("--probe-port", "8081").server().probePort());
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--probe-port", "8080").server());
    }

    @Test
    void token_fromFile_isItsFirstLineStripped() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "  s3cret-from-file \nignored second line\n");
        ApiTokenOptions.Token t = parse("--api-token-file", f.toString()).tokens.token(NO_ENV::get, dir);
        assertEquals(new ApiTokenOptions.Token("s3cret-from-file", Optional.empty()), t);
    }

    @Test
    void token_fileWinsOverEnvironment() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "from-file-0123456789");
        assertEquals(
                "from-file-0123456789",
                parse("--api-token-file", f.toString())
                        .tokens
                        .token(Map.of(ApiTokenOptions.TOKEN_ENV, "from-env-0123456789")::get, dir)
                        .value());
    }

    /** The README's lab command on a fresh machine: the named file is made, owner-only, and kept. */
    @Test
    void token_fileMissing_isCreatedOwnerOnlyWithARandomTokenAndKept() throws Exception {
        Path f = dir.resolve("api-token");
        ApiTokenOptions.Token t = parse("--api-token-file", f.toString()).tokens.token(NO_ENV::get, dir);
        assertEquals(Optional.of(f), t.generatedFile());
        assertTrue(t.kept());
        assertEquals(t.value() + "\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(64, t.value().length());
        assertEquals(
                t.value(),
                parse("--api-token-file", f.toString())
                        .tokens
                        .token(NO_ENV::get, dir)
                        .value(),
                "the next run reads the same token");
    }

    /** A one-character token was accepted from every source. */
    @Test
    void token_shorterThan16Characters_isRefusedFromEverySource() throws Exception {
        Path f = Files.writeString(dir.resolve("short"), "x\n");
        for (var attempt : List.<java.util.function.Supplier<ApiTokenOptions.Token>>of(
                () -> parse("--api-token", "y").tokens.token(NO_ENV::get, dir),
                () -> parse("--api-token-file", f.toString()).tokens.token(NO_ENV::get, dir),
                () -> parse().tokens.token(Map.of(ApiTokenOptions.TOKEN_ENV, "z")::get, dir))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, attempt::get);
            assertTrue(e.getMessage().contains("at least 16 are needed"), e.getMessage());
        }
    }

    @Test
    void token_emptyFile_isRefusedNamingTheFile() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "\n\n");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> parse("--api-token-file", f.toString()).tokens.token(NO_ENV::get, dir));
        assertTrue(e.getMessage().contains(f + " has no token"), e.getMessage());
    }

    @Test
    void token_hugeFile_isRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "x".repeat(ApiTokenOptions.MAX_TOKEN_FILE_BYTES + 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--api-token-file", f.toString()).tokens.token(NO_ENV::get, dir));
    }

    @Test
    void token_optionAndFile_areRefusedTogether() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "a");
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--api-token", "b", "--api-token-file", f.toString())
                        .tokens
                        .token(NO_ENV::get, dir));
    }

    @Test
    void token_environmentSetButBlank_isRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> parse().tokens.token(Map.of(ApiTokenOptions.TOKEN_ENV, " ")::get, dir));
        assertTrue(e.getMessage().contains("set but empty"), e.getMessage());
    }

    @Test
    void token_fromEnvironment_isUsedWithoutAFile() {
        assertEquals(
                new ApiTokenOptions.Token("env-token-0123456789", Optional.empty()),
                parse().tokens.token(Map.of(ApiTokenOptions.TOKEN_ENV, "env-token-0123456789")::get, dir));
    }

    @Test
    void token_noneGiven_isRandomInAnOwnerOnlyFile() throws Exception {
        ApiTokenOptions.Token a = parse().tokens.token(NO_ENV::get, dir);
        ApiTokenOptions.Token b = parse().tokens.token(NO_ENV::get, dir);
        Path f = a.generatedFile().orElseThrow();
        assertEquals(dir, f.getParent());
        assertEquals(a.value() + "\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(64, a.value().length(), "256 random bits in hex");
        assertFalse(a.value().equals(b.value()));
        assertFalse(a.toString().contains(a.value()), "toString must not reveal the token");
    }

    @Test
    void help_apiToken_saysItIsVisibleInPs() {
        String help = CliRun.line("serve --help").out();
        assertTrue(help.contains("--api-token-file=FILE"), help);
        assertTrue(help.contains("sees it in `ps`"), help);
        assertTrue(help.contains("--bind=HOST"), help);
    }
}
