package org.murder.it;

import java.io.IOException;
import java.nio.file.Path;
import org.murder.protocol.sasl.ScramKeys;
import org.murder.protocol.sasl.StoredCredentials;
import org.murder.protocol.sasl.UserFile;

/**
 * Adds a user to a node's user file the way {@code ./murder adduser} does: SCRAM keys, salts and iteration counts
 * ({@link UserFile}, {@link StoredCredentials}), never the password. A running node reads the file again when it changes.
 */
public final class RealmUsers {

    private RealmUsers() {
    }

    public static void add(Path configurationDir, String user, String password) throws IOException {
        UserFile.put(configurationDir.resolve("murder-users.properties"), user,
                StoredCredentials.hash(password.toCharArray(), ScramKeys.DEFAULT_ITERATIONS));
    }

    /** A user of this run on the node under test, as ./murder adduser makes one. */
    public static void addToNode(String user, String password) throws IOException {
        add(Path.of(System.getProperty("murder.node.dir")).resolve("configuration"), user, password);
    }
}
