package org.murder.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.murder.backend.MapPush;
import org.murder.backend.MapPushService;
import org.murder.backend.MurderRegistry;

/** Backend operations: the push of this backend's mailboxes to the master (ctl_mboxlist -m / -mw). */
@Path("/backend")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BackendResource {

    @EJB
    MapPushService push;

    @EJB
    org.murder.backend.ReconstructService reconstruct;

    @EJB
    org.murder.store.MessageStore store;

    public record ReconstructView(boolean dryRun, List<String> fixes) {
    }

    /** Rebuilds metadata from the spool: one mailbox, or all (no mailbox parameter). */
    @POST
    @Path("/reconstruct")
    public Response reconstruct(@QueryParam("mailbox") String mailbox,
                                @QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        List<String> names = mailbox == null || mailbox.isEmpty()
                ? store.allMailboxes().stream().map(org.murder.store.StoreMailbox::name).toList() : List.of(mailbox);
        List<String> fixes = new java.util.ArrayList<>();
        for (String name : names) {
            try {
                reconstruct.reconstruct(name, dryRun).forEach(f -> fixes.add(f.toString()));
            } catch (IllegalArgumentException e) {
                return Response.status(404).entity(new ReconstructView(dryRun, List.of(e.getMessage()))).build();
            } catch (java.io.IOException | RuntimeException e) {
                return Response.serverError().entity(new ReconstructView(dryRun, List.of(name + ": " + e))).build();
            }
        }
        return Response.ok(new ReconstructView(dryRun, fixes)).build();
    }

    @EJB
    org.murder.move.MoveStore moves;

    /** A move this backend runs (or ran) as the destination (docs/moves.md). */
    public record MoveView(long id, String mailbox, String source, String partition, String state, int passes,
                           long messagesCopied, int attempts, String lastError, long createdAt, long updatedAt) {
    }

    /** The moves under way here, then the last finished ones (at most 50 in all), newest first. */
    @jakarta.ws.rs.GET
    @Path("/moves")
    public List<MoveView> moves() {
        return moves.recent(50).stream().map(m -> new MoveView(m.id(), m.mailbox(), m.source(), m.partition(),
                m.state().name(), m.passes(), m.messagesCopied(), m.attempts(), m.lastError(), m.createdAt(),
                m.updatedAt())).toList();
    }

    @EJB
    org.murder.store.MailboxIndexes indexes;

    @EJB
    org.murder.imap.MailboxEvents events;

    /** IMAP sessions with a mailbox selected, the mailboxes they share, and those idling. */
    public record SessionsView(long selected, long mailboxes, long idling) {
    }

    @jakarta.ws.rs.GET
    @Path("/sessions")
    public SessionsView sessions() {
        long[] s = indexes.selections();
        return new SessionsView(s[0], s[1], events.watching());
    }

    @jakarta.inject.Inject
    org.murder.routing.MailboxLocator locator;

    /** How this node routes a mailbox (internal name): local, remote (server!partition), unknown or uncertain. */
    public record RouteView(String mailbox, String route, String location, String why) {
    }

    @jakarta.ws.rs.GET
    @Path("/route/{name: .+}")
    public RouteView route(@jakarta.ws.rs.PathParam("name") String name) {
        org.murder.routing.Route r = locator.locate(name);
        if (r instanceof org.murder.routing.Route.Remote remote) {
            return new RouteView(name, "remote", remote.location().wire(), null);
        }
        if (r instanceof org.murder.routing.Route.Uncertain u) {
            return new RouteView(name, "uncertain", null, u.why());
        }
        return new RouteView(name, r instanceof org.murder.routing.Route.Local ? "local" : "unknown", null, null);
    }

    @EJB
    org.murder.backend.MailboxService mailboxes;

    /** A mailbox to create on this backend: its internal name ({@code user.alice}) and partition (empty: the default). */
    public record NewMailbox(String name, String partition) {
    }

    /** What a create made, or why it did not. */
    public record CreatedView(String name, String partition, String error) {
    }

    /**
     * Creates a mailbox in this backend's store and registers it with the master, as an admin's IMAP CREATE does
     * ({@code ./murder adduser} in a topology puts a new user's INBOX on the backend the placement chose, before the
     * user's first login could autocreate it wherever that login lands).
     */
    @POST
    @Path("/mailboxes")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public Response createMailbox(NewMailbox m, @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext caller) {
        if (m == null || m.name() == null || m.name().isBlank()) {
            return Response.status(400).entity(new CreatedView(null, null, "name is required")).build();
        }
        String partition = m.partition() == null ? "" : m.partition();
        try {
            org.murder.store.StoreMailbox made = mailboxes.create(m.name(), partition, mailboxes.initialAcl(m.name()),
                    caller.getUserPrincipal().getName(), true);
            return Response.status(201).entity(new CreatedView(made.name(), made.partition(), null)).build();
        } catch (org.murder.backend.MailboxService.MailboxException e) {
            String why = e.getMessage();
            int status = why.startsWith("Mailbox already exists") ? 409 : e.temporary() ? 503 : 400;
            return Response.status(status).entity(new CreatedView(m.name(), partition, why)).build();
        }
    }

    /**
     * A push: its steps ({@code ACTIVATE name partition}, {@code DELETE name}), what each did to the master's entry
     * (added, changed, removed) and the ones the master refused with its reason (a mailbox on two backends).
     */
    public record PushView(boolean dryRun, List<String> steps, long added, long changed, long removed,
                           List<String> refused) {
    }

    @POST
    @Path("/push")
    public Response push(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        try {
            MapPushService.Push p = push.push(dryRun);
            return Response.ok(new PushView(dryRun, p.plan().stream().map(MapPush.Step::toString).toList(),
                    p.count(MapPush.Change.ADDED), p.count(MapPush.Change.CHANGED), p.count(MapPush.Change.REMOVED),
                    p.refused().stream().map(r -> r.step().mailbox() + ": " + r.why()).toList())).build();
        } catch (MurderRegistry.RegistryException e) {
            return Response.status(e.unreachable() ? 503 : 409)
                    .entity(new PushView(dryRun, List.of(e.getMessage()), 0, 0, 0, List.of())).build();
        }
    }
}
