package org.murder.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/** The node under test, as its clients see it: ports, users, the EAR to deploy. */
public final class MurderNode {

    public static final String HOST = "127.0.0.1";
    public static final String ADMIN = "murder";
    public static final String ADMIN_PASSWORD = "murder-pw";
    public static final String USER = "alice";
    public static final String USER_PASSWORD = "alice-pw";
    public static final String SERVERNAME = "it-node";
    /** Mailbox names unique to this run: the PostgreSQL database outlives runs. */
    public static final String RUN = "it" + UUID.randomUUID().toString().substring(0, 8);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MurderNode() {
    }

    /** The built EAR, under its own file name (the MDBs bind to "murder.ear#murder-connector.rar"). */
    public static EnterpriseArchive ear() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("murder.ear")));
    }

    public static int mupdatePort() {
        return Integer.getInteger("murder.mupdate.port", 13905);
    }

    public static int httpPort() {
        return Integer.getInteger("murder.http.port", 18080);
    }

    /** The IMAP listener (the resource adapter's own port, {@code imap_port}, so not shifted by the port offset). */
    public static int imapPort() {
        return Integer.getInteger("murder.imap.port", 11143);
    }

    /** The POP3 listener (the resource adapter's own port, {@code pop3_port}). */
    public static int pop3Port() {
        return Integer.getInteger("murder.pop3.port", 11110);
    }

    /** The LMTP listener (the resource adapter's own port, so not shifted by WildFly's port offset). */
    public static int lmtpPort() {
        return Integer.getInteger("murder.lmtp.port", 12003);
    }

    /** The default partition, where delivered messages are {@code <mailbox id>/<uid>.} files. */
    public static java.nio.file.Path spool() {
        return java.nio.file.Path.of(System.getProperty("murder.node.dir", "target/nodes/h2"), "data", "murder", "spool", "default");
    }

    public static MupdateClient connect() throws IOException {
        return new MupdateClient(HOST, mupdatePort(), Duration.ofSeconds(20));
    }

    /**
     * Trusts any certificate: the node's is a throw-away self-signed one. For tests only.
     */
    /** Angus Mail's properties for this node's IMAP: STARTTLS required, any certificate trusted, bounded waits. */
    public static java.util.Properties mailProperties() {
        java.util.Properties p = new java.util.Properties();
        p.put("mail.imap.host", HOST);
        p.put("mail.imap.port", Integer.toString(imapPort()));
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.trust", "*");
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "30000");
        return p;
    }

    public static SSLSocketFactory trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connected and through STARTTLS: the node has TLS material and allowplaintext off, so PLAIN needs TLS. */
    public static MupdateClient connectTls() throws IOException {
        MupdateClient c = connect();
        c.startTls(trustAll());
        return c;
    }

    /** A client logged in as the admin (PLAIN, under TLS). */
    public static MupdateClient admin() throws IOException {
        MupdateClient c = connectTls();
        MupdateResponse.Completion ok = c.authenticatePlain(ADMIN, ADMIN_PASSWORD);
        if (ok.status() != MupdateResponse.Status.OK) {
            c.close();
            throw new IOException("admin login refused: " + ok);
        }
        return c;
    }

    /** A GET of the node's REST API (or console) as the admin: the API answers admins only. */
    public static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http("GET", path, ADMIN, ADMIN_PASSWORD, true);
    }

    /**
     * A request to the node's HTTP port: as {@code user} (HTTP BASIC; null: no credentials), with the header the API
     * asks of unsafe methods or without it.
     */
    public static HttpResponse<String> http(String method, String path, String user, String password, boolean requestedBy)
            throws IOException, InterruptedException {
        return http(httpPort(), method, path, user, password, requestedBy);
    }

    /** The same on another node's HTTP port. */
    public static HttpResponse<String> http(int port, String method, String path, String user, String password,
                                            boolean requestedBy) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (user != null) {
            b.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (requestedBy) {
            b.header("X-Requested-By", "it");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until the condition holds; bounded. */
    public static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
