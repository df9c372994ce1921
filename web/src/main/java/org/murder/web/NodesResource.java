package org.murder.web;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
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

    public record NodeView(String servername, List<String> roles, long masterVersion, long copyVersion,
                           boolean copyEnabled) {
    }

    @GET
    @Path("/node")
    public NodeView node() {
        return new NodeView(settings.servername(),
                settings.roles().stream().map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList(),
                map.version(), copy.appliedVersion(), copy.enabled());
    }

    @GET
    @Path("/nodes")
    public List<NodeStatus> nodes() {
        return copyStore.nodeStatuses();
    }

    /** This frontend's local copy, by name prefix. */
    @GET
    @Path("/copy")
    public List<MailboxView> copy(@QueryParam("prefix") @DefaultValue("") String prefix,
                                  @QueryParam("limit") @DefaultValue("1000") int limit) {
        return copyStore.all().stream().filter(r -> r.name().startsWith(prefix)).limit(Math.max(0, limit))
                .map(MailboxView::of).toList();
    }
}
