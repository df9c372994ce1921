package org.murder.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * The node's settings, named after Cyrus's imapd.conf. They arrive as system properties (the launcher
 * loads murder.conf with {@code standalone.sh -P}, whose "key: value" lines are valid properties) and
 * are read through MicroProfile Config, so environment variables work too.
 */
@ApplicationScoped
public class MurderSettings {

    public enum Role { MASTER, FRONTEND, BACKEND }

    @Inject
    Config config;

    private String get(String key, String fallback) {
        return config.getOptionalValue(key, String.class).map(String::trim).filter(v -> !v.isEmpty()).orElse(fallback);
    }

    /** This node's name in the murder (Cyrus: {@code servername}); locations are {@code servername!partition}. */
    public String servername() {
        return get("servername", defaultHostName());
    }

    /** Users with full rights; only they may authenticate to the MUPDATE master (as in Cyrus). */
    public Set<String> admins() {
        return words(get("admins", ""));
    }

    public boolean isAdmin(String user) {
        return user != null && admins().contains(user);
    }

    public Set<Role> roles() {
        return words(get("murder_roles", "master frontend backend")).stream()
                .map(r -> Role.valueOf(r.toUpperCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean hasRole(Role role) {
        return roles().contains(role);
    }

    /** The master's host as seen from this node; empty when this node is the master. */
    public String mupdateServer() {
        return get("mupdate_server", "");
    }

    public int mupdatePort() {
        return Integer.parseInt(get("mupdate_port", "3905"));
    }

    /** Where a frontend of another node fetches the master's map snapshot (REST). */
    public String masterHttpUrl() {
        return get("mupdate_master_url", "http://" + (mupdateServer().isEmpty() ? "127.0.0.1" : mupdateServer())
                + ":" + get("http_port", "8080"));
    }

    public int mupdateConnectionsMax() {
        return Integer.parseInt(get("mupdate_connections_max", "128"));
    }

    /** Seconds between a frontend's checks that its copy has not fallen behind the master. */
    public int mapCheckSeconds() {
        return Integer.parseInt(get("murder_map_check_seconds", "30"));
    }

    public String product() {
        return "Murder on Jakarta EE";
    }

    public String version() {
        return "0.1";
    }

    private static Set<String> words(String value) {
        return Arrays.stream(value.split("[\\s,]+")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static String defaultHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
