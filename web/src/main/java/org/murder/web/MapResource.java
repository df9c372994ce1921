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
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.murder.map.MailboxConflict;
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
        return Json.createObjectBuilder().add("version", map.version()).add("epoch", map.epoch())
                .add("mailboxes", map.size()).add("streams", map.streamCount()).add("conflicts", map.conflicts().size())
                .add("settling", map.settling())
                .build();
    }

    /** The whole map at one version; streamed, since it may hold hundreds of thousands of mailboxes. */
    @GET
    @Path("/snapshot")
    public Response snapshot() {
        MapStore.Snapshot s = map.snapshot();
        StreamingOutput body = out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            w.write("{\"version\":" + s.version() + ",\"epoch\":" + Json.createValue(s.epoch()) + ",\"mailboxes\":[");
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

    /** A mailbox found on two backends: the location the map keeps, the one it refused, since when and how often. */
    public record ConflictView(String mailbox, String kept, String refused, String since, String last, long refusals,
                               String location) {
        static ConflictView of(MailboxConflict c, MailboxMap map) {
            return new ConflictView(c.mailbox(), c.kept(), c.refused(), c.since().toString(), c.last().toString(),
                    c.refusals(), map.find(c.mailbox()).map(r -> r.location().wire()).orElse(null));
        }
    }

    /** Mailboxes on two backends (seed 000's gotcha), as the master refused them; empty when there are none. */
    @GET
    @Path("/conflicts")
    public List<ConflictView> conflicts() {
        return map.conflicts().stream().map(c -> ConflictView.of(c, map)).toList();
    }

    /** The mailboxes a backend's latest full push still had refused ({@code mailboxes}); its other conflicts are over. */
    public record PushReport(List<String> mailboxes) {
    }

    /**
     * A backend's report at the end of each push (the master sees the refused ACTIVATEs, but only the backend knows
     * which of its copies are gone): conflicts of that server not named any more are resolved.
     */
    @PUT
    @Path("/conflicts/server/{server}")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<ConflictView> settle(@PathParam("server") String server, PushReport report) {
        Set<String> still = new HashSet<>(report == null || report.mailboxes() == null ? List.of() : report.mailboxes());
        return map.settleConflicts(server, still).stream().map(c -> ConflictView.of(c, map)).toList();
    }

    /** An admin has dealt with the mailbox on two backends (one copy deleted): forget its conflict. */
    @DELETE
    @Path("/conflicts/{name: .+}")
    public Response clear(@PathParam("name") String name, @Context SecurityContext caller) {
        String who = caller.getUserPrincipal() == null ? "an admin" : caller.getUserPrincipal().getName();
        return map.clearConflicts(name, who) ? Response.noContent().build()
                : Response.status(404).entity(Json.createObjectBuilder().add("error", "no conflict on " + name).build()).build();
    }

    @GET
    @Path("/mailbox/{name: .+}")
    public MailboxView byName(@PathParam("name") String name) {
        return map.find(name).map(MailboxView::of).orElseThrow(() -> new NotFoundException("no mailbox " + name));
    }
}
