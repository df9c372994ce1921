package org.murder.lmtp.proxy;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.murder.config.MurderSettings;
import org.murder.connector.api.OutboundConnections;

/**
 * The container's side of the LMTP proxy: one {@link BackendPool} for the node, on the adapter's outbound
 * connections, swept every second, and the backends' profiles from the settings.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LmtpProxy {

    @Resource(lookup = OutboundConnections.JNDI_NAME)
    OutboundConnections outbound;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    MurderSettings settings;

    private BackendPool pool;
    private ScheduledFuture<?> sweep;
    private final ConcurrentMap<String, BackendProfile> profiles = new ConcurrentHashMap<>();

    @PostConstruct
    void start() {
        pool = new BackendPool(outbound::open, settings.lmtpProxyIdleConnections(), settings.lmtpProxyIdleTimeout(),
                settings.proxyTimeout());
        sweep = scheduler.scheduleWithFixedDelay(pool::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (sweep != null) {
            sweep.cancel(false);
        }
        pool.close();
    }

    public BackendPool pool() {
        return pool;
    }

    /**
     * How to reach {@code server}'s LMTP. The address is resolved once (settings are fixed for the node's life);
     * one that does not resolve is tried again next time, and its connection fails meanwhile (a 4xx).
     */
    public BackendProfile profile(String server) {
        BackendProfile known = profiles.get(server);
        if (known != null) {
            return known;
        }
        InetSocketAddress configured = settings.backendAddress(server, MurderSettings.Service.LMTP);
        InetSocketAddress address = new InetSocketAddress(configured.getHostString(), configured.getPort());
        BackendProfile p = new BackendProfile(server, address, settings.servername(), settings.proxyTls(server),
                settings.proxyAuthname(server), settings.proxyPassword(server), settings.proxyMechanisms(server));
        if (!address.isUnresolved()) {
            profiles.put(server, p);
        }
        return p;
    }
}
