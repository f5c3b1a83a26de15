package dev.autost.messaging;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Whether a listener speaks TLS: a client without TLS on a TLS listener sees only closed
 * connections and would retry until its timeout, so {@link ClusterCheck} asks the port itself.
 * The probe opens a TLS handshake with the JVM's default trust and sends no data: a handshake
 * that completes, or that ends on the server's certificate (a self-made CA), means TLS; a
 * plaintext Kafka listener drops the connection instead.
 */
final class TlsProbe {
    private TlsProbe() {}

    /** True when {@code host:port} answers a TLS handshake within {@code timeoutMs}. */
    static boolean speaksTls(String host, int port, int timeoutMs) {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(host, port), timeoutMs);
            raw.setSoTimeout(timeoutMs);
            try (SSLSocket tls =
                    (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(raw, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (IOException e) {
            return causedByCertificate(e);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean causedByCertificate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }
}
