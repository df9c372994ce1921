package org.murder.pop3;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.OutboundConnections;
import org.murder.protocol.pop3.Pop3Command;
import org.murder.proxy.Deadlines;

/**
 * The frontend's half of POP3 (Cyrus's pop3proxyd): a user whose INBOX another backend holds is logged in there as the
 * proxy identity acting for them, over the backend's POP3 ({@code <server>_pop3_address}), and the rest of the session
 * is relayed ({@link Pop3BackendRelay}).
 */
@ApplicationScoped
public class Pop3Proxy {

    @Inject
    MurderSettings settings;

    @Resource(lookup = OutboundConnections.JNDI_NAME)
    OutboundConnections outbound;

    @Resource
    ManagedThreadFactory threads;

    /** What the relays wait for (the login, an answer's start, a backend's close), checked four times a second. */
    private final Deadlines deadlines = new Deadlines();
    /** Our own thread, not the managed scheduled executor (which logs an ERROR per refused run while suspending). */
    private ScheduledExecutorService sweeper;

    @PostConstruct
    void startSweep() {
        sweeper = Executors.newSingleThreadScheduledExecutor(threads);
        sweeper.scheduleWithFixedDelay(deadlines::sweep, 250, 250, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopSweep() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** Logs {@code user} in at {@code server}; the client hears the outcome as the answer to its own login. */
    void open(Connection c, Pop3Session s, String user, String server) {
        InetSocketAddress a = settings.backendAddress(server, MurderSettings.Service.POP3);
        Pop3BackendRelay.open(outbound, new InetSocketAddress(a.getHostString(), a.getPort()), c, s, server,
                new Pop3BackendRelay.Login(settings.proxyAuthname(server), settings.proxyPassword(server).toCharArray(),
                        user, settings.proxyMechanisms(server), settings.proxyTls(server)),
                settings.proxyTimeout(), deadlines);
    }

    void relay(Connection c, Pop3Session.Proxied p, Pop3Command command) {
        p.backend().relay(command);
    }
}
