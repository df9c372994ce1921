package org.murder.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;

/**
 * Adds a user to a node's realm file the way {@code ./murder adduser} does: one {@code NAME=PASSWORD} properties
 * line, the password in clear (SCRAM derives its keys from it). A running node reads it on the realm's
 * {@code load} operation.
 */
public final class RealmUsers {

    private RealmUsers() {
    }

    public static void add(Path configurationDir, String user, String password) throws IOException {
        Files.writeString(configurationDir.resolve("murder-users.properties"),
                escape(user) + "=" + escape(password) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A user of this run on the node under test, as ./murder adduser makes one (a line, then the realm's load). */
    public static void addToNode(ManagementClient management, String user, String password) throws IOException {
        add(Path.of(System.getProperty("murder.node.dir")).resolve("configuration"), user, password);
        ModelNode load = Operations.createOperation("load",
                Operations.createAddress("subsystem", "elytron", "properties-realm", "MurderRealm"));
        ModelNode result = management.getControllerClient().execute(load);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IOException("realm load failed: " + result);
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if ("\\=:#! ".indexOf(ch) >= 0) {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }
}
