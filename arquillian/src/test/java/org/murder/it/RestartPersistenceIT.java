package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/** The map is in the database: it outlives a restart of every service of the server. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartPersistenceIT {

    @ArquillianResource
    ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    @Test
    void mapSurvivesAServerRestart() throws Exception {
        String active = MurderNode.RUN + ".restart.active";
        String reserved = MurderNode.RUN + ".restart.reserved";
        long versionBefore;
        try (MupdateClient c = MurderNode.admin()) {
            assertEquals(MupdateResponse.Status.OK, c.activate(active, new Location("be3", "data"), "carol\tlrswipkxtecda\t").status());
            assertEquals(MupdateResponse.Status.OK, c.reserve(reserved, new Location("be3", "data")).status());
            versionBefore = versionOf(c);
        }

        ModelNode result = management.getControllerClient().execute(Operations.createOperation("reload"));
        assertTrue(Operations.isSuccessfulOutcome(result), result::toString);
        // the reload returns before the old listener is gone: wait for it to go, then for the new one
        MurderNode.await(Duration.ofSeconds(30), () -> !masterAnswers());
        assertTrue(MurderNode.await(Duration.ofSeconds(120), RestartPersistenceIT::masterAnswers), "master back after reload");
        assertTrue(MurderNode.await(Duration.ofSeconds(60), () -> running(management)), "server running after reload");

        try (MupdateClient c = MurderNode.admin()) {
            MupdateClient.Reply found = c.find(active);
            assertEquals(new MupdateResponse.MailboxData(found.completion().tag(), active, new Location("be3", "data"),
                    "carol\tlrswipkxtecda\t"), found.data().get(0));
            MupdateClient.Reply stillReserved = c.find(reserved);
            assertEquals(new MupdateResponse.ReserveData(stillReserved.completion().tag(), reserved, new Location("be3", "data")),
                    stillReserved.data().get(0));
            assertEquals(versionBefore, versionOf(c), "the map version is kept too");
            // the frontend copy comes back from its own table, then checks itself against the master
            assertTrue(MurderNode.await(Duration.ofSeconds(20), () -> copyShows(active)), "the local copy still routes " + active);
            String node = MurderNode.get("/api/node").body();
            assertTrue(node.contains("\"copyVersion\":" + versionBefore) && node.contains("\"masterVersion\":" + versionBefore), node);
            c.delete(active);
            c.delete(reserved);
        }
    }

    private static long versionOf(MupdateClient unused) throws Exception {
        String body = MurderNode.get("/api/map/version").body();
        return jakarta.json.Json.createReader(new java.io.StringReader(body)).readObject().getJsonNumber("version").longValue();
    }

    private static boolean running(ManagementClient management) {
        try {
            ModelNode state = management.getControllerClient().execute(
                    Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state"));
            return Operations.isSuccessfulOutcome(state) && "running".equals(Operations.readResult(state).asString());
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean copyShows(String name) {
        try {
            return MurderNode.get("/api/copy?prefix=" + name).body().contains("\"be3!data\"");
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean masterAnswers() {
        try (MupdateClient c = MurderNode.admin()) {
            return c.noop().status() == MupdateResponse.Status.OK && MurderNode.get("/api/map/version").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
