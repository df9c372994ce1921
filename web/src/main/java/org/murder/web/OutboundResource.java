package org.murder.web;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;

/**
 * Diagnostic: opens a connection through the adapter's outbound connection factory to a port of this node and
 * returns the first line it reads (the greeting). Asked from the node itself only, and only ever connects to the
 * loopback address, so it is no way to reach other hosts.
 */
@Path("/diagnostics/outbound")
@RequestScoped
@Produces(MediaType.TEXT_PLAIN)
public class OutboundResource {

    @Resource(lookup = OutboundConnections.JNDI_NAME)
    OutboundConnections outbound;

    @Context
    HttpServletRequest request;

    @GET
    @Path("/greeting")
    public String greeting(@QueryParam("port") int port) throws Exception {
        if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
            throw new ForbiddenException("from this node only");
        }
        CompletableFuture<String> line = new CompletableFuture<>();
        OutboundConnection c = outbound.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                new OutboundHandler() {
                    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

                    @Override
                    public void onConnected(OutboundConnection connection) {
                    }

                    @Override
                    public void onInput(OutboundConnection connection, ByteBuffer input) {
                        while (input.hasRemaining() && !line.isDone()) {
                            byte b = input.get();
                            if (b == '\n') {
                                line.complete(received.toString(StandardCharsets.US_ASCII).stripTrailing());
                                connection.close();
                            } else if (received.size() < 8192) {
                                received.write(b);
                            }
                        }
                    }

                    @Override
                    public void onClosed(OutboundConnection connection, Throwable cause) {
                        line.completeExceptionally(cause != null ? cause : new IllegalStateException("closed"));
                    }

                    @Override
                    public void onConnectFailed(OutboundConnection connection, Throwable cause) {
                        line.completeExceptionally(cause);
                    }
                });
        try {
            return line.get(10, TimeUnit.SECONDS);
        } finally {
            c.close();
        }
    }
}
