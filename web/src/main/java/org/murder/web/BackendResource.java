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

    public record PushView(boolean dryRun, List<String> steps) {
    }

    @POST
    @Path("/push")
    public Response push(@QueryParam("dryRun") @DefaultValue("false") boolean dryRun) {
        try {
            List<MapPush.Step> steps = push.push(dryRun);
            return Response.ok(new PushView(dryRun, steps.stream().map(MapPush.Step::toString).toList())).build();
        } catch (MurderRegistry.RegistryException e) {
            return Response.status(e.unreachable() ? 503 : 409).entity(new PushView(dryRun, List.of(e.getMessage()))).build();
        }
    }
}
