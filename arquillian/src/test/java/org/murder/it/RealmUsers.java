package org.murder.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
