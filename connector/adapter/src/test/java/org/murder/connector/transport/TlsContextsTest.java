package org.murder.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS material the way Cyrus operators have it: PEM files (tls_server_cert / tls_server_key). */
class TlsContextsTest {

    @TempDir
    Path dir;

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + List.of(command));
        assertEquals(0, p.exitValue(), () -> List.of(command) + ": " + out);
    }

    private static boolean openssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void pemCertificateAndPkcs8KeyMakeAServerContext() throws Exception {
        assumeTrue(openssl(), "openssl is not installed");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-keyout", "key.pem", "-out", "cert.pem");
        SSLContext ctx = TlsContexts.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake(); // a server engine without a key would fail here
    }

    @Test
    void ecKeysWorkToo() throws Exception {
        assumeTrue(openssl(), "openssl is not installed");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem");
        SSLEngine engine = TlsContexts.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem")).createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake();
    }

    @Test
    void aTraditionalRsaKeyIsRefusedWithTheConversionCommand() throws Exception {
        assumeTrue(openssl(), "openssl is not installed");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-keyout", "key.pem", "-out", "cert.pem");
        run(dir, "openssl", "rsa", "-in", "key.pem", "-out", "rsa.pem", "-traditional");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> TlsContexts.fromPem(dir.resolve("cert.pem"), dir.resolve("rsa.pem")));
        assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
    }

    @Test
    void aFileWithoutCertificatesIsRefused() throws Exception {
        Files.writeString(dir.resolve("empty.pem"), "");
        Files.writeString(dir.resolve("key.pem"), "");
        assertThrows(Exception.class, () -> TlsContexts.fromPem(dir.resolve("empty.pem"), dir.resolve("key.pem")));
    }
}
