package org.murder.connector.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundHandler;

/**
 * A test handler: keeps the bytes received in order and the life-cycle events, and fails if the transport ever
 * calls it twice at once for the connection or on its selector thread.
 */
class RecordingHandler implements OutboundHandler {

    final CountDownLatch connected = new CountDownLatch(1);
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    final CompletableFuture<Throwable> connectFailed = new CompletableFuture<>();
    final AtomicInteger writables = new AtomicInteger();
    final AtomicInteger inputCalls = new AtomicInteger();
    final AtomicReference<String> violation = new AtomicReference<>();
    private final AtomicBoolean busy = new AtomicBoolean();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder partialLine = new StringBuilder();

    private void enter() {
        if (!busy.compareAndSet(false, true)) {
            violation.compareAndSet(null, "two handler calls at once");
        }
        if (Thread.currentThread().getName().endsWith("-selector")) {
            violation.compareAndSet(null, "handler called on the selector thread");
        }
    }

    private void leave() {
        busy.set(false);
    }

    @Override
    public void onConnected(OutboundConnection connection) {
        enter();
        connected.countDown();
        leave();
    }

    @Override
    public void onInput(OutboundConnection connection, ByteBuffer input) {
        enter();
        try {
            inputCalls.incrementAndGet();
            byte[] bytes = new byte[input.remaining()];
            input.get(bytes);
            synchronized (this) {
                received.writeBytes(bytes);
                for (byte b : bytes) {
                    if (partialLine.length() < 4096) { // lines are for short answers; bulk data is only counted
                        partialLine.append((char) (b & 0xff));
                    }
                    if (b == '\n') {
                        lines.add(partialLine.toString().stripTrailing());
                        partialLine.setLength(0);
                    }
                }
            }
            input(connection, bytes);
        } finally {
            leave();
        }
    }

    /** Tests plug in a reaction to input here. */
    void input(OutboundConnection connection, byte[] bytes) {
    }

    @Override
    public void onWritable(OutboundConnection connection) {
        enter();
        writables.incrementAndGet();
        leave();
    }

    @Override
    public void onClosed(OutboundConnection connection, Throwable cause) {
        enter();
        if (connected.getCount() > 0) {
            violation.compareAndSet(null, "onClosed without onConnected");
        }
        if (!closed.complete(cause)) {
            violation.compareAndSet(null, "onClosed twice");
        }
        leave();
    }

    @Override
    public void onConnectFailed(OutboundConnection connection, Throwable cause) {
        enter();
        connectFailed.complete(cause);
        leave();
    }

    synchronized byte[] received() {
        return received.toByteArray();
    }

    synchronized int receivedCount() {
        return received.size();
    }

    String nextLine() throws InterruptedException {
        return lines.poll(10, TimeUnit.SECONDS);
    }

    boolean awaitConnected() throws InterruptedException {
        return connected.await(10, TimeUnit.SECONDS);
    }

    Throwable awaitClosed() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}
