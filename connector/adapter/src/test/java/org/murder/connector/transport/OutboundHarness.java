package org.murder.connector.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** A real {@link NioConnector} with its selector thread and a fixed worker pool, as the adapter runs it. */
final class OutboundHarness implements AutoCloseable {

    final NioConnector connector;
    final ThreadPoolExecutor workers;
    final Thread selector;

    OutboundHarness() throws IOException {
        this(settings(100, null));
    }

    OutboundHarness(OutboundSettings settings) throws IOException {
        this.workers = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        workers.prestartAllCoreThreads();
        this.connector = new NioConnector(settings, workers);
        this.selector = new Thread(connector);
        selector.setDaemon(true);
        selector.start();
    }

    static OutboundSettings settings(int maxConnections, SSLContext tls) {
        return new OutboundSettings(maxConnections, Duration.ofSeconds(5), 256 * 1024, tls, false);
    }

    void stop() throws InterruptedException {
        connector.stop();
        selector.join(10_000);
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
