package org.murder.frontend;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.murder.config.MurderSettings;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxMap;
import org.murder.map.MailboxRecord;
import org.murder.map.MapStore;

/**
 * Where a frontend's copy bootstraps from: the master's map at one version. In-process when this node
 * is the master; otherwise the master's REST snapshot ({@code mupdate_master_url}), as this node's admin
 * ({@code murder_node_user}, HTTP BASIC).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class MasterSnapshots {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @EJB
    MailboxMap map;

    @Inject
    MurderSettings settings;

    public MapStore.Snapshot fetch() throws IOException {
        if (settings.hasRole(MurderSettings.Role.MASTER)) {
            return map.snapshot();
        }
        try (JsonReader reader = Json.createReader(get("/api/map/snapshot"))) {
            JsonObject o = reader.readObject();
            JsonArray items = o.getJsonArray("mailboxes");
            List<MailboxRecord> records = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                JsonObject m = items.getJsonObject(i);
                records.add(new MailboxRecord(m.getString("name"), m.getString("server"), m.getString("partition"),
                        m.getString("acl", ""), MailboxKind.valueOf(m.getString("kind")),
                        m.getJsonNumber("version").longValue()));
            }
            return new MapStore.Snapshot(o.getJsonNumber("version").longValue(), records, o.getString("epoch", ""));
        }
    }

    /**
     * The master map's version and epoch (empty from a master that names none), and whether it has just started
     * ({@link org.murder.map.MailboxMap#settling()}).
     */
    public record MasterVersion(long version, String epoch, boolean settling) {
    }

    public MasterVersion masterVersion() throws IOException {
        if (settings.hasRole(MurderSettings.Role.MASTER)) {
            return new MasterVersion(map.version(), map.epoch(), map.settling());
        }
        try (JsonReader reader = Json.createReader(get("/api/map/version", CHECK_TIMEOUT))) {
            JsonObject o = reader.readObject();
            return new MasterVersion(o.getJsonNumber("version").longValue(), o.getString("epoch", ""),
                    o.getBoolean("settling", false));
        }
    }

    /** HTTP BASIC (RFC 7617, UTF-8) for the node's own admin credentials; null when it has none. */
    public static String basicAuthorization(String user, String password) {
        if (user.isEmpty()) {
            return null;
        }
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A version check is small: a master that does not answer it in this time counts as unreachable. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private InputStream get(String path) throws IOException {
        return get(path, Duration.ofSeconds(60));
    }

    private InputStream get(String path, Duration timeout) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(settings.masterHttpUrl() + path))
                .timeout(timeout).GET();
        String authorization = basicAuthorization(settings.nodeUser(), settings.nodePassword());
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        try {
            HttpResponse<InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("master answered " + r.statusCode() + " for " + request.uri()
                        + (r.statusCode() == 401 || r.statusCode() == 403
                        ? " (this node's murder_node_user / murder_node_password must be an admin of the master)" : ""));
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
