package org.murder.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.murder.connector.api.MupdateListener;
import org.murder.connector.api.ProtocolListener;

/** A real {@link NioListener} on 127.0.0.1, an ephemeral port, a fixed worker pool and one endpoint. */
final class Harness implements AutoCloseable {

    static final int MAX_LINE = 1024;
    static final int MAX_LITERAL = 64 * 1024;
    static final int MAX_FRAME = 128 * 1024;

    final MupdateListener endpoint;
    final ThreadPoolExecutor workers;
    final NioListener listener;
    final Thread selector;
    private boolean stopped;

    static TransportSettings settings(int maxConnections, SSLContext tls, int highWater) {
        return new TransportSettings(new InetSocketAddress("127.0.0.1", 0), maxConnections, MAX_LINE, MAX_LITERAL,
                MAX_FRAME, tls, highWater);
    }

    Harness(MupdateListener endpoint) throws IOException {
        this(endpoint, settings(100, null, 256 * 1024), 4);
    }

    Harness(MupdateListener endpoint, TransportSettings settings, int workerThreads) throws IOException {
        this.endpoint = endpoint;
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>());
        workers.prestartAllCoreThreads();
        this.listener = new NioListener(new MupdateBinding(), settings, new EndpointSource() {
            @Override
            public ProtocolListener acquire() {
                return endpoint;
            }

            @Override
            public void release(ProtocolListener released) {
                // one shared, thread-safe endpoint
            }
        }, workers);
        this.selector = new Thread(listener);
        selector.setDaemon(true);
        selector.start();
    }

    InetSocketAddress address() {
        return listener.localAddress();
    }

    LineClient connect() throws IOException {
        return new LineClient(address());
    }

    /** Stops the listener and waits for its selector thread to end. */
    void stop() throws InterruptedException {
        if (!stopped) {
            stopped = true;
            listener.stop();
            selector.join(10_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
