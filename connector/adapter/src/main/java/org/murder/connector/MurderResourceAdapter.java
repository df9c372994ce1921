package org.murder.connector;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.ProtocolListener;
import org.murder.connector.transport.EndpointSource;
import org.murder.connector.transport.ImapBinding;
import org.murder.connector.transport.LmtpBinding;
import org.murder.connector.transport.MupdateBinding;
import org.murder.connector.transport.NioConnector;
import org.murder.connector.transport.NioListener;
import org.murder.connector.transport.OutboundSettings;
import org.murder.connector.transport.Pop3Binding;
import org.murder.connector.transport.ProtocolBinding;

/**
 * Accepts the murder's sockets and hands each decoded command to a message endpoint (an MDB); opens connections to
 * other nodes for the outbound connection definition ({@code org.murder.connector.outbound}).
 * One {@link NioListener} per activated endpoint; its selector loop is a long-running Work, and each
 * connection's commands run as short Works, one at a time per connection.
 */
@Connector(
        displayName = "Murder listeners",
        description = "IMAP / POP3 / LMTP / MUPDATE sockets of Murder on Jakarta EE",
        vendorName = "Murder on Jakarta EE",
        eisType = "Mail (IMAP, POP3, LMTP, MUPDATE)",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class MurderResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(MurderResourceAdapter.class.getName());
    private static final Map<String, ProtocolBinding> BINDINGS = Map.of(
            "mupdate", new MupdateBinding(),
            "lmtp", new LmtpBinding(),
            "imap", new ImapBinding(),
            "pop3", new Pop3Binding());

    private final Map<MessageEndpointFactory, NioListener> listeners = new ConcurrentHashMap<>();
    /** One outbound transport per connection definition, started on its first use. */
    private final Map<Object, NioConnector> connectors = new ConcurrentHashMap<>();
    private volatile BootstrapContext bootstrap;
    /** Used only when the work manager refuses work (saturated), so no command is ever dropped. */
    private volatile ExecutorService overflow;
    /**
     * Every listener's and connector's tasks, through at most this many work manager submissions at a time: well below
     * the short-running pool's bound (WildFly's default: 50 threads, 50 queued), so a selector never waits for it.
     */
    static final int MAX_WORKERS = 40;
    private volatile org.murder.connector.transport.WorkDispatcher dispatcher;

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        this.bootstrap = ctx;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "murder-ra-overflow");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.overflow = pool;
        this.dispatcher = new org.murder.connector.transport.WorkDispatcher(task -> {
            try {
                bootstrap.getWorkManager().scheduleWork(new ShortWork(task));
            } catch (WorkException e) {
                LOG.log(Level.FINE, "work manager refused work; using the overflow pool", e);
                overflow.execute(task);
            }
        }, MAX_WORKERS);
    }

    @Override
    public void stop() {
        listeners.values().forEach(NioListener::stop);
        listeners.clear();
        synchronized (connectors) {
            connectors.values().forEach(NioConnector::stop);
            connectors.clear();
        }
        if (overflow != null) {
            overflow.shutdown();
        }
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        ListenerActivationSpec s = (ListenerActivationSpec) spec;
        s.validate();
        ProtocolBinding binding = BINDINGS.get(s.getProtocol());
        if (binding == null) {
            throw new ResourceException("MURDER-RA-008 unknown protocol '" + s.getProtocol() + "'; known: " + BINDINGS.keySet());
        }
        if (!binding.listenerType().isAssignableFrom(factory.getEndpointClass())) {
            throw new ResourceException("MURDER-RA-009 endpoint " + factory.getEndpointClass().getName()
                    + " does not implement " + binding.listenerType().getName());
        }
        NioListener listener;
        try {
            listener = new NioListener(binding, s.toSettings(), endpoints(factory), workers());
        } catch (IOException e) {
            throw new ResourceException("MURDER-RA-010 cannot listen for " + s + ": " + e.getMessage(), e);
        }
        try {
            bootstrap.getWorkManager().scheduleWork(new LongRunning(listener, listener::stop), WorkManager.INDEFINITE,
                    null, null);
        } catch (WorkException e) {
            listener.stop();
            throw new ResourceException("MURDER-RA-011 no thread for the " + s + " selector", e);
        }
        listeners.put(factory, listener);
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        NioListener listener = listeners.remove(factory);
        if (listener != null) {
            listener.stop();
            LOG.info(() -> "MURDER-RA-012 stopped listening: " + spec);
        }
    }

    /** Where an outbound connection definition gets its settings (they may fail to load: a trust store). */
    @FunctionalInterface
    public interface OutboundSettingsSource {
        OutboundSettings get() throws ResourceException;
    }

    /**
     * The outbound transport of one connection definition: the first call starts it (its selector loop a
     * long-running Work, handler calls short Works), {@link #stop()} closes it with every connection.
     */
    public OutboundConnections outbound(Object definition, OutboundSettingsSource settings) throws ResourceException {
        synchronized (connectors) {
            NioConnector connector = connectors.get(definition);
            if (connector != null) {
                return connector;
            }
            if (bootstrap == null) {
                throw new ResourceException("MURDER-RA-028 the resource adapter has not started");
            }
            try {
                connector = new NioConnector(settings.get(), workers());
            } catch (IOException e) {
                throw new ResourceException("MURDER-RA-028 cannot open the outbound selector: " + e.getMessage(), e);
            }
            try {
                bootstrap.getWorkManager().scheduleWork(new LongRunning(connector, connector::stop),
                        WorkManager.INDEFINITE, null, null);
            } catch (WorkException e) {
                connector.stop();
                throw new ResourceException("MURDER-RA-011 no thread for the outbound selector", e);
            }
            connectors.put(definition, connector);
            LOG.info("MURDER-RA-029 outbound transport started");
            return connector;
        }
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    private static EndpointSource endpoints(MessageEndpointFactory factory) {
        return new EndpointSource() {
            @Override
            public ProtocolListener acquire() throws Exception {
                return (ProtocolListener) factory.createEndpoint(null);
            }

            @Override
            public void release(ProtocolListener endpoint) {
                ((MessageEndpoint) endpoint).release();
            }
        };
    }

    private Executor workers() {
        return dispatcher;
    }

    private record ShortWork(Runnable task) implements Work {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public void release() {
        }
    }

    /** A selector loop: tells the work manager not to take it from the short-running pool. */
    private record LongRunning(Runnable loop, Runnable stop) implements Work, WorkContextProvider {
        @Override
        public void run() {
            loop.run();
        }

        @Override
        public void release() {
            stop.run();
        }

        @Override
        public List<WorkContext> getWorkContexts() {
            HintsContext hints = new HintsContext();
            hints.setHint(HintsContext.LONGRUNNING_HINT, Boolean.TRUE);
            hints.setName("murder-selector");
            return List.of(hints);
        }
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
