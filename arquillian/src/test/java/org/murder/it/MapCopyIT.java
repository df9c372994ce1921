package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/** The frontend's local copy follows the master through the JMS topic; the REST API shows both. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MapCopyIT {

    private static final String P = MurderNode.RUN + ".copy.";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    private static JsonArray array(String path) {
        try {
            return Json.createReader(new StringReader(MurderNode.get(path).body())).readArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject object(String path) throws Exception {
        return Json.createReader(new StringReader(MurderNode.get(path).body())).readObject();
    }

    @Test
    void copyConvergesThroughTheTopic() throws Exception {
        String name = P + "converge";
        try (MupdateClient c = MurderNode.admin()) {
            assertEquals(MupdateResponse.Status.OK, c.activate(name, new Location("be7", "default"), "alice\tlrs\t").status());
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> array("/api/copy?prefix=" + name).size() == 1),
                    "the activated mailbox reaches the local copy");
            JsonObject entry = array("/api/copy?prefix=" + name).getJsonObject(0);
            assertEquals("be7!default", entry.getString("location"));
            assertEquals("alice\tlrs\t", entry.getString("acl"));
            assertEquals("active", entry.getString("state"));

            // a move, as Cyrus's XFER makes it: DEACTIVATE at the old place, ACTIVATE at the new (an ACTIVATE of an
            // active mailbox at another server is refused: two backends would hold it)
            assertEquals(MupdateResponse.Status.OK, c.deactivate(name, new Location("be7", "default")).status());
            assertEquals(MupdateResponse.Status.OK, c.activate(name, new Location("be8", "p2"), "").status());
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> {
                JsonArray a = array("/api/copy?prefix=" + name);
                return a.size() == 1 && a.getJsonObject(0).getString("location").equals("be8!p2");
            }), "a move reaches the local copy");

            assertEquals(MupdateResponse.Status.OK, c.delete(name).status());
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> array("/api/copy?prefix=" + name).isEmpty()),
                    "a delete reaches the local copy");
        }
        JsonObject node = object("/api/node");
        assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> {
            try {
                JsonObject n = object("/api/node");
                return n.getJsonNumber("copyVersion").longValue() == n.getJsonNumber("masterVersion").longValue();
            } catch (Exception e) {
                return false;
            }
        }), "copy version catches up with the master: " + node);
    }

    @Test
    void nodeStatusReportsTheAppliedVersion() throws Exception {
        try (MupdateClient c = MurderNode.admin()) {
            c.activate(P + "status", new Location("be1", "default"), "");
            c.delete(P + "status");
        }
        long master = object("/api/map/version").getJsonNumber("version").longValue();
        assertTrue(MurderNode.await(Duration.ofSeconds(15), () -> {
            JsonArray nodes = array("/api/nodes");
            return nodes.stream().map(v -> (JsonObject) v).anyMatch(n -> n.getString("node").equals(MurderNode.SERVERNAME)
                    && n.getJsonNumber("appliedVersion").longValue() >= master);
        }), "this node reports version " + master + ": " + array("/api/nodes"));
    }

    @Test
    void restApiFindsByNamePrefixServerAndName() throws Exception {
        String a = P + "rest.a";
        String b = P + "rest.b";
        try (MupdateClient c = MurderNode.admin()) {
            c.activate(a, new Location("restsrv1", "default"), "");
            c.activate(b, new Location("restsrv2", "default"), "");
        }
        assertEquals(2, array("/api/map?prefix=" + P + "rest.").size());
        JsonArray onServer1 = array("/api/map?prefix=" + P + "rest.&server=restsrv1");
        assertEquals(1, onServer1.size());
        assertEquals(a, onServer1.getJsonObject(0).getString("name"));
        assertEquals("restsrv2!default", object("/api/map/mailbox/" + b).getString("location"));
        assertEquals(404, MurderNode.get("/api/map/mailbox/" + P + "nosuch").statusCode());
        // what a frontend that is not the master bootstraps from (MasterSnapshots): the snapshot, as the node's admin
        String snapshot = MurderNode.get("/api/map/snapshot").body();
        assertTrue(snapshot.contains("\"" + a + "\"") && snapshot.contains("\"restsrv2\""), snapshot);
        assertEquals(401, MurderNode.http("GET", "/api/map/snapshot", null, null, false).statusCode(),
                "no snapshot (with every ACL) for anyone who can reach the port");
        String page = MurderNode.get("/").body();
        assertTrue(page.contains("Mailbox map"), "the console page is served");
        try (MupdateClient c = MurderNode.admin()) {
            c.delete(a);
            c.delete(b);
        }
    }

    /**
     * Node to node: a frontend-only node (a second server, {@link StandaloneNode}) bootstraps its copy from this
     * master's REST snapshot over HTTP, presenting its murder_node_user credentials (the master's API answers admins
     * only), and catches up again through the version check.
     */
    @Test
    void aFrontendOfAnotherNodeFetchesTheMastersSnapshotWithItsCredentials() throws Exception {
        String before = P + "fe.before";
        String after = P + "fe.after";
        try (MupdateClient c = MurderNode.admin()) {
            c.activate(before, new Location("fesrv", "default"), "");
        }
        int offset = 20000;
        try (StandaloneNode fe = StandaloneNode.in(StandaloneNode.baseDir("frontend"), offset)
                .user(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)
                .setting("servername", "fe-it")
                .setting("murder_roles", "frontend")
                .setting("admins", MurderNode.ADMIN)
                .setting("mupdate_server", "127.0.0.1:" + MurderNode.mupdatePort())
                .setting("mupdate_master_url", "http://127.0.0.1:" + MurderNode.httpPort())
                .setting("murder_node_user", MurderNode.ADMIN)
                .setting("murder_node_password", MurderNode.ADMIN_PASSWORD)
                .setting("murder_map_check_seconds", "2")
                .setting("http_port", "8080")
                .setting("imap_port", Integer.toString(offset + 1143))
                .setting("lmtp_port", Integer.toString(offset + 2003))
                .setting("mupdate_port", Integer.toString(offset + 3905))
                .setting("pop3_port", Integer.toString(offset + 1110))
                .listener("127.0.0.1", offset + 1143)
                .prepare()
                .start()) {
            int fePort = offset + 8080;
            java.util.function.Predicate<String> inCopy = name -> {
                try {
                    return MurderNode.http(fePort, "GET", "/api/copy?prefix=" + name, MurderNode.ADMIN,
                            MurderNode.ADMIN_PASSWORD, false).body().contains("\"" + name + "\"");
                } catch (Exception e) {
                    return false;
                }
            };
            assertTrue(MurderNode.await(Duration.ofSeconds(60), () -> inCopy.test(before)),
                    "the frontend's copy bootstrapped from the master's snapshot: " + fe.logTail());
            try (MupdateClient c = MurderNode.admin()) {
                c.activate(after, new Location("fesrv", "default"), "");
            }
            // no JMS between the two servers here: the version check (GET /api/map/version) sees the copy behind
            // and resynchronises from the snapshot
            assertTrue(MurderNode.await(Duration.ofSeconds(60), () -> inCopy.test(after)),
                    "the frontend caught up with the master: " + fe.logTail());
            assertEquals(401, MurderNode.http(fePort, "GET", "/api/copy", null, null, false).statusCode());
        } finally {
            try (MupdateClient c = MurderNode.admin()) {
                c.delete(before);
                c.delete(after);
            }
        }
    }
}
