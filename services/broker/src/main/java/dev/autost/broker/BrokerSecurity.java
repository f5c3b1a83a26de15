package dev.autost.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What the secure listener of an {@link EmbeddedKafkaBroker} needs, kept in its data dir so a
 * restart reuses it: a self-made CA, the broker's certificate signed by it (SAN
 * {@code localhost} and {@code 127.0.0.1}) in a PKCS12 keystore, a PKCS12 truststore with the
 * CA, and two SCRAM-SHA-512 users with random passwords: one the broker uses to reach itself
 * (inter-broker), one for clients. Writes {@value #CLIENT_PROPERTIES} for clients.
 *
 * <p>Layout: {@code DIR/security/} (owner-only) holds {@code ca.p12} (the CA's private key),
 * {@code broker.p12}, {@code truststore.p12} and {@code secrets.properties} (the passwords);
 * {@code DIR/client.properties} (owner-only) is what {@code --kafka-config} takes. Passwords
 * are never logged.
 */
final class BrokerSecurity {
    /** The client properties file, in the broker's data dir. */
    static final String CLIENT_PROPERTIES = "client.properties";

    static final String MECHANISM = "SCRAM-SHA-512";

    /** The listener clients use; the controller listener stays PLAINTEXT on loopback (see docs/operations.md). */
    static final String LISTENER = "SASL_SSL";

    static final String CLIENT_USER = "autost";
    static final String BROKER_USER = "autost-broker";

    private static final String SECURITY_DIR = "security";
    private static final String SECRETS = "secrets.properties";
    private static final String CA_STORE = "ca.p12";
    private static final String KEYSTORE = "broker.p12";
    private static final String TRUSTSTORE = "truststore.p12";
    private static final String SAN = "SAN=dns:localhost,ip:127.0.0.1";
    private static final String VALIDITY_DAYS = "3650";

    private final Path dataDir;
    private final Path securityDir;
    private final String storePassword;
    private final String brokerPassword;
    private final String clientPassword;

    private BrokerSecurity(Path dataDir, String storePassword, String brokerPassword, String clientPassword) {
        this.dataDir = dataDir.toAbsolutePath();
        this.securityDir = this.dataDir.resolve(SECURITY_DIR);
        this.storePassword = storePassword;
        this.brokerPassword = brokerPassword;
        this.clientPassword = clientPassword;
    }

    /** Whether an earlier run in {@code dataDir} was secure (such a data dir never starts without it). */
    static boolean presentIn(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve(SECURITY_DIR).resolve(SECRETS));
    }

    /**
     * The material of an earlier run in {@code dataDir}, or new material (passwords, CA,
     * certificate) when there is none; writes {@value #CLIENT_PROPERTIES} either way, so its
     * paths follow a moved data dir.
     */
    static BrokerSecurity loadOrCreate(Path dataDir) {
        Path securityDir = OwnerOnlyFiles.directory(dataDir.toAbsolutePath().resolve(SECURITY_DIR));
        Path secretsFile = securityDir.resolve(SECRETS);
        BrokerSecurity security;
        if (Files.isRegularFile(secretsFile)) {
            Properties secrets = read(secretsFile);
            security = new BrokerSecurity(
                    dataDir,
                    required(secrets, "store", secretsFile),
                    required(secrets, "broker", secretsFile),
                    required(secrets, "client", secretsFile));
        } else {
            security = new BrokerSecurity(dataDir, randomPassword(), randomPassword(), randomPassword());
            Properties secrets = new Properties();
            secrets.setProperty("store", security.storePassword);
            secrets.setProperty("broker", security.brokerPassword);
            secrets.setProperty("client", security.clientPassword);
            OwnerOnlyFiles.writeProperties(secretsFile, secrets, "AutoST embedded broker secrets (owner-only)");
        }
        if (!List.of(CA_STORE, KEYSTORE, TRUSTSTORE).stream()
                .allMatch(f -> Files.isRegularFile(securityDir.resolve(f)))) {
            security.makeCertificates();
        }
        security.writeClientProperties();
        return security;
    }

    /** The broker settings of the SASL_SSL listener on {@code port}, the controller's on {@code controllerPort}. */
    Map<String, String> brokerProperties(int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("listeners", LISTENER + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", LISTENER + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", LISTENER);
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put(
                "listener.name." + LISTENER.toLowerCase(Locale.ROOT) + "." + MECHANISM.toLowerCase(Locale.ROOT)
                        + ".sasl.jaas.config",
                jaas(BROKER_USER, brokerPassword));
        p.put("ssl.keystore.location", securityDir.resolve(KEYSTORE).toString());
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.password", storePassword);
        p.put("ssl.key.password", storePassword);
        p.put("ssl.truststore.location", securityDir.resolve(TRUSTSTORE).toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", storePassword);
        return p;
    }

    /**
     * The {@code --add-scram} arguments of {@code kafka-storage.sh format}: KRaft keeps SCRAM
     * credentials in its metadata log, and a fresh log gets them only at format time.
     */
    List<String> formatArguments() {
        return List.of(
                "--add-scram", MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]",
                "--add-scram", MECHANISM + "=[name=" + CLIENT_USER + ",password=" + clientPassword + "]");
    }

    /** What a client of the secure listener needs (the content of {@value #CLIENT_PROPERTIES}). */
    Map<String, String> clientProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(CLIENT_USER, clientPassword));
        p.put("ssl.truststore.location", securityDir.resolve(TRUSTSTORE).toString());
        p.put("ssl.truststore.password", storePassword);
        p.put("ssl.truststore.type", "PKCS12");
        return p;
    }

    /** {@code DIR/client.properties}. */
    Path clientPropertiesFile() {
        return dataDir.resolve(CLIENT_PROPERTIES);
    }

    /** Written plainly rather than by {@link Properties#store} (which escapes every '='): people copy from it. */
    private void writeClientProperties() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("# Client properties of the AutoST embedded broker's SASL_SSL listener (owner-only):");
        lines.add("# autost ... --bootstrap-servers 127.0.0.1:PORT --kafka-config " + clientPropertiesFile());
        clientProperties().forEach((k, v) -> lines.add(k + "=" + v));
        OwnerOnlyFiles.writeLines(clientPropertiesFile(), lines);
    }

    /**
     * CA, broker key pair, the CA-signed certificate (SAN localhost, 127.0.0.1) with its chain in
     * the keystore, and the CA certificate in the truststore; starts over from nothing so a run
     * killed halfway leaves no half-made store behind.
     */
    private void makeCertificates() {
        try {
            for (String f : List.of(CA_STORE, KEYSTORE, TRUSTSTORE, "broker.csr", "broker.crt", "ca.crt")) {
                Files.deleteIfExists(securityDir.resolve(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clear " + securityDir, e);
        }
        Keytool keytool = new Keytool(securityDir, storePassword);
        String[] ec = {"-keyalg", "EC", "-groupname", "secp256r1", "-validity", VALIDITY_DAYS, "-storetype", "PKCS12"};
        keytool.run(concat(
                new String[] {
                    "-genkeypair",
                    "-alias",
                    "ca",
                    "-dname",
                    "CN=AutoST embedded broker CA",
                    "-ext",
                    "bc:c=ca:true",
                    "-ext",
                    "ku:c=keyCertSign,cRLSign",
                    "-keystore",
                    CA_STORE
                },
                ec));
        keytool.run(concat(
                new String[] {"-genkeypair", "-alias", "broker", "-dname", "CN=localhost", "-keystore", KEYSTORE}, ec));
        keytool.run("-certreq", "-alias", "broker", "-keystore", KEYSTORE, "-file", "broker.csr");
        keytool.run(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                CA_STORE,
                "-infile",
                "broker.csr",
                "-outfile",
                "broker.crt",
                "-validity",
                VALIDITY_DAYS,
                "-ext",
                SAN,
                "-ext",
                "eku=serverAuth,clientAuth",
                "-rfc");
        keytool.run("-exportcert", "-alias", "ca", "-keystore", CA_STORE, "-rfc", "-file", "ca.crt");
        keytool.run("-importcert", "-alias", "ca", "-file", "ca.crt", "-keystore", KEYSTORE, "-noprompt");
        keytool.run("-importcert", "-alias", "broker", "-file", "broker.crt", "-keystore", KEYSTORE, "-noprompt");
        keytool.run(
                "-importcert",
                "-alias",
                "ca",
                "-file",
                "ca.crt",
                "-keystore",
                TRUSTSTORE,
                "-storetype",
                "PKCS12",
                "-noprompt");
        for (String f : List.of(CA_STORE, KEYSTORE, TRUSTSTORE, "broker.csr", "broker.crt", "ca.crt")) {
            OwnerOnlyFiles.restrict(securityDir.resolve(f));
        }
    }

    private static String jaas(String user, String password) {
        // Hex passwords: nothing in them needs quoting in JAAS or in --add-scram.
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return p;
    }

    private static String required(Properties p, String key, Path file) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(file + " has no '" + key + "'; delete the data dir to start over");
        }
        return value;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
