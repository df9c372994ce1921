package org.murder.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.murder.config.MurderSettings;
import org.murder.frontend.MapCopy;
import org.murder.frontend.MapCopyStore;
import org.murder.frontend.NodeStatus;
import org.murder.map.MailboxMap;

/** The nodes of the murder as the master sees them, and this node's own copy of the map. */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class NodesResource {

    @EJB
    MapCopyStore copyStore;

    @EJB
    MapCopy copy;

    @EJB
    MailboxMap map;

    @Inject
    MurderSettings settings;

    @Inject
    org.murder.backend.MurderRegistry registry;

    /**
     * This node: its name and roles, the map versions it sees, and whether the MUPDATE master answers it (null on the
     * master itself and on a node outside a murder).
     */
    public record NodeView(String servername, List<String> roles, long masterVersion, long copyVersion,
                           boolean copyEnabled, Boolean masterReachable) {
    }

    @GET
    @Path("/node")
    public NodeView node() {
        boolean remote = !settings.hasRole(MurderSettings.Role.MASTER) && registry.joined();
        return new NodeView(settings.servername(),
                settings.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList(),
                map.version(), copy.appliedVersion(), copy.enabled(),
                remote ? registry.masterDownSince().isEmpty() && !copy.masterUnreachable() : null);
    }

    @GET
    @Path("/nodes")
    public List<NodeStatus> nodes() {
        return copyStore.nodeStatuses();
    }

    public record LatencyView(long samples, long p50Millis, long p90Millis, long p99Millis, long maxMillis) {
    }

    /**
     * Change-to-copy latency through the JMS topic, as this node's copy measured it. Read-only: the reset that an
     * earlier version did on {@code GET ?reset=true} is {@link #resetLatency()}; such a GET is refused (405) rather
     * than answered without the reset its caller expects.
     */
    @GET
    @Path("/copy/latency")
    public LatencyView latency(@QueryParam("reset") @DefaultValue("false") boolean reset) {
        if (reset) {
            throw new WebApplicationException(Response.status(Response.Status.METHOD_NOT_ALLOWED).header("Allow", "POST")
                    .entity("a GET changes nothing: POST /api/copy/latency/reset").type(MediaType.TEXT_PLAIN).build());
        }
        return latencyView();
    }

    /** Empties the latency histogram; answers what it held. */
    @POST
    @Path("/copy/latency/reset")
    public LatencyView resetLatency() {
        LatencyView v = latencyView();
        copy.latency().reset();
        return v;
    }

    private LatencyView latencyView() {
        var h = copy.latency();
        return new LatencyView(h.count(), h.percentile(0.5), h.percentile(0.9), h.percentile(0.99), h.percentile(1.0));
    }

    /**
     * This frontend's copy: the version and epoch of the master's map it reflects, whether a name it lacks is certainly
     * nowhere ({@code synchronized}), and whether the master answered its latest check.
     */
    public record CopyStateView(boolean enabled, long appliedVersion, String epoch, boolean synchronizedWithMaster,
                                boolean masterUnreachable) {
    }

    @GET
    @Path("/copy/state")
    public CopyStateView copyState() {
        return new CopyStateView(copy.enabled(), copy.appliedVersion(), copy.masterEpoch(), copy.synchronizedWithMaster(),
                copy.masterUnreachable());
    }

    /** This frontend's local copy, by name prefix. */
    @GET
    @Path("/copy")
    public List<MailboxView> copy(@QueryParam("prefix") @DefaultValue("") String prefix,
                                  @QueryParam("limit") @DefaultValue("1000") int limit) {
        return copy.withPrefix(prefix, limit).stream().map(MailboxView::of).toList();
    }
}
