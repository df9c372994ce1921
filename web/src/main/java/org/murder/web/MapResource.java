package org.murder.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.murder.map.MailboxMap;
import org.murder.map.MailboxRecord;
import org.murder.map.MapStore;

/**
 * The master's authoritative mailbox map, read-only: by name prefix, by server, by name, and the
 * versioned snapshot frontends bootstrap from.
 */
@Path("/map")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MapResource {

    @EJB
    MailboxMap map;

    @GET
    public Response list(@QueryParam("prefix") @DefaultValue("") String prefix,
                         @QueryParam("server") @DefaultValue("") String server,
                         @QueryParam("limit") @DefaultValue("1000") int limit) {
        List<MailboxRecord> found = map.byNamePrefix(prefix);
        List<MailboxView> page = found.stream()
                .filter(r -> server.isEmpty() || r.server().equals(server))
                .limit(Math.max(0, limit))
                .map(MailboxView::of)
                .toList();
        return Response.ok(page).header("X-Map-Version", map.version()).build();
    }

    @GET
    @Path("/version")
    public JsonObject version() {
        return Json.createObjectBuilder().add("version", map.version()).add("mailboxes", map.size())
                .add("streams", map.streamCount()).build();
    }

    /** The whole map at one version; streamed, since it may hold hundreds of thousands of mailboxes. */
    @GET
    @Path("/snapshot")
    public Response snapshot() {
        MapStore.Snapshot s = map.snapshot();
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            w.write("{\"version\":" + s.version() + ",\"mailboxes\":[");
            boolean first = true;
            for (MailboxRecord r : s.mailboxes()) {
                if (!first) {
                    w.write(',');
                }
                first = false;
                w.write(Json.createObjectBuilder().add("name", r.name()).add("server", r.server())
                        .add("partition", r.partition()).add("acl", r.acl()).add("kind", r.kind().name())
                        .add("version", r.version()).build().toString());
            }
            w.write("]}");
            w.flush();
        };
        return Response.ok(body).header("X-Map-Version", s.version()).build();
    }

    @GET
    @Path("/mailbox/{name: .+}")
    public MailboxView byName(@PathParam("name") String name) {
        return map.find(name).map(MailboxView::of).orElseThrow(() -> new NotFoundException("no mailbox " + name));
    }
}
