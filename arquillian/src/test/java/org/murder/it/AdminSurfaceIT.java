package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 11, a locked admin surface: the REST API and the console answer admins only (HTTP BASIC against the node's
 * realm), nothing changes on a GET, a state-changing request needs X-Requested-By, and the user file keeps no
 * password.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminSurfaceIT {

    private static final String ADMIN = MurderNode.ADMIN;
    private static final String ADMIN_PW = MurderNode.ADMIN_PASSWORD;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    private static int status(String method, String path, String user, String password, boolean requestedBy) throws Exception {
        return MurderNode.http(method, path, user, password, requestedBy).statusCode();
    }

    @Test
    void onlyAdminsGetIn() throws Exception {
        for (String path : new String[] {"/api/node", "/api/map", "/api/map/snapshot", "/api/nodes", "/api/copy", "/"}) {
            HttpResponse<String> anonymous = MurderNode.http("GET", path, null, null, false);
            assertEquals(401, anonymous.statusCode(), path);
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
            assertFalse(anonymous.body().contains("lrswipkxtecda"), "no ACL leaks: " + anonymous.body());
            assertEquals(401, status("GET", path, ADMIN, "wrong-pw", false), path + " with a wrong password");
            assertEquals(403, status("GET", path, MurderNode.USER, MurderNode.USER_PASSWORD, false), path + " as a non-admin");
            assertEquals(200, status("GET", path, ADMIN, ADMIN_PW, false), path + " as an admin");
        }
        assertEquals(401, status("POST", "/api/backend/push?dryRun=true", null, null, true));
        assertEquals(403, status("POST", "/api/backend/push?dryRun=true", MurderNode.USER, MurderNode.USER_PASSWORD, true));
        // a clear-text line an earlier version wrote (arquillian/pom.xml) still authenticates: 403 (not an admin), not 401
        assertEquals(403, status("GET", "/api/node", "legacy", "legacy-pw", false));
        assertEquals(401, status("GET", "/api/node", "legacy", "legacy-p", false));
    }

    @Test
    void noGetChangesAnythingAndUnsafeMethodsNeedTheHeader() throws Exception {
        HttpResponse<String> resetByGet = MurderNode.http("GET", "/api/copy/latency?reset=true", ADMIN, ADMIN_PW, true);
        assertEquals(405, resetByGet.statusCode(), resetByGet.body());
        assertEquals("POST", resetByGet.headers().firstValue("Allow").orElse(""));
        assertEquals(200, status("GET", "/api/copy/latency", ADMIN, ADMIN_PW, false));
        // what a cross-site form post carries: the browser's remembered credentials, no custom header
        HttpResponse<String> crossSite = MurderNode.http("POST", "/api/copy/latency/reset", ADMIN, ADMIN_PW, false);
        assertEquals(403, crossSite.statusCode(), crossSite.body());
        assertEquals(403, status("POST", "/api/backend/push?dryRun=true", ADMIN, ADMIN_PW, false));
        assertEquals(403, status("DELETE", "/api/copy/latency/reset", ADMIN, ADMIN_PW, false));
        HttpResponse<String> reset = MurderNode.http("POST", "/api/copy/latency/reset", ADMIN, ADMIN_PW, true);
        assertEquals(200, reset.statusCode(), reset.body());
        assertTrue(reset.body().contains("\"samples\""), reset.body());
        HttpResponse<String> after = MurderNode.get("/api/copy/latency");
        assertTrue(after.body().contains("\"samples\":0"), after.body());
        assertEquals(405, status("GET", "/api/copy/latency/reset", ADMIN, ADMIN_PW, false));
    }

    @Test
    void theUserFileKeepsNoPasswordAndTakesNewUsersWithoutReload() throws Exception {
        Path users = Path.of(System.getProperty("murder.node.dir"), "configuration", "murder-users.properties");
        String user = "adm" + MurderNode.RUN;
        RealmUsers.addToNode(user, "fresh-pw-" + MurderNode.RUN);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
        String text = Files.readString(users, StandardCharsets.UTF_8);
        for (String password : new String[] {ADMIN_PW, MurderNode.USER_PASSWORD, "fresh-pw-" + MurderNode.RUN}) {
            assertFalse(text.contains(password), "no clear password in " + text);
        }
        assertTrue(text.contains(user + "=SCRAM-SHA-256$4096:"), text);
        assertTrue(MurderNode.await(Duration.ofSeconds(5), () -> {
            try {
                return status("GET", "/api/node", user, "fresh-pw-" + MurderNode.RUN, false) == 403;
            } catch (Exception e) {
                return false;
            }
        }), "the new user authenticates (403: not an admin) without a reload");
    }

    @Test
    void httpsServesTheApiWithTheMailListenersKeyStore() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        // the IT node's certificate (tls_keystore) names 127.0.0.1; no host name check needed for an IP with SAN
        HttpClient https = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5)).build();
        int port = 8443 + 10000;
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/node"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PW)
                        .getBytes(StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains(MurderNode.SERVERNAME), r.body());
        java.security.cert.Certificate[] chain = r.sslSession().orElseThrow().getPeerCertificates();
        assertTrue(((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal().getName().contains("CN=127.0.0.1"),
                "the certificate of tls_keystore, not WildFly's self-signed localhost one");
    }
}
