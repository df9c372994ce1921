package org.murder.lmtp.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundHandler;

/**
 * A test stand-in for the adapter's outbound transport on real sockets, with its contract: handler calls one at a
 * time per connection, never on the caller's thread; {@code write} queues and says false past a high-water mark, and
 * {@code onWritable} follows once the queue has drained to half of it.
 */
final class SocketOpener implements BackendPool.Opener {

    private final int highWater;
    private final AtomicLong ids = new AtomicLong();

    SocketOpener(int highWater) {
        this.highWater = highWater;
    }

    @Override
    public OutboundConnection open(InetSocketAddress address, OutboundHandler handler) {
        TestConnection c = new TestConnection(ids.incrementAndGet(), address, handler);
        c.events.execute(c::connect);
        return c;
    }

    final class TestConnection implements OutboundConnection {
        private final long id;
        private final InetSocketAddress address;
        private final OutboundHandler handler;
        final ExecutorService events = Executors.newSingleThreadExecutor();
        private final LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        private final AtomicLong backlog = new AtomicLong();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean writableOwed;
        private volatile Socket socket;
        private Object attachment;

        TestConnection(long id, InetSocketAddress address, OutboundHandler handler) {
            this.id = id;
            this.address = address;
            this.handler = handler;
        }

        void connect() {
            try {
                socket = new Socket(address.getAddress(), address.getPort());
            } catch (IOException e) {
                closed.set(true);
                handler.onConnectFailed(this, e);
                events.shutdown();
                return;
            }
            handler.onConnected(this);
            Thread reader = new Thread(this::read, "test-reader-" + id);
            reader.setDaemon(true);
            reader.start();
            Thread writer = new Thread(this::writeLoop, "test-writer-" + id);
            writer.setDaemon(true);
            writer.start();
        }

        private void read() {
            byte[] buf = new byte[997]; // odd size: replies arrive split
            try (InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    ByteBuffer copy = ByteBuffer.wrap(buf.clone(), 0, n);
                    post(() -> handler.onInput(this, copy));
                }
                end(null);
            } catch (IOException e) {
                end(closed.get() ? null : e);
            }
        }

        private void writeLoop() {
            try {
                OutputStream o = socket.getOutputStream();
                while (true) {
                    byte[] b = out.take();
                    if (b.length == 0) {
                        socket.close();
                        return;
                    }
                    o.write(b);
                    o.flush();
                    if (backlog.addAndGet(-b.length) <= highWater / 2 && writableOwed) {
                        writableOwed = false;
                        post(() -> handler.onWritable(this));
                    }
                }
            } catch (IOException | InterruptedException e) {
                end(e);
            }
        }

        private void post(Runnable r) {
            try {
                events.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException ended) {
                // the connection's last event has been told
            }
        }

        private synchronized void end(Throwable cause) {
            if (closed.compareAndSet(false, true)) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            if (!events.isShutdown()) {
                events.execute(() -> handler.onClosed(this, cause));
                events.shutdown();
            }
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return address;
        }

        @Override
        public boolean write(byte[] bytes) {
            if (closed.get()) {
                return true;
            }
            long now = backlog.addAndGet(bytes.length);
            out.add(bytes);
            if (now > highWater) {
                writableOwed = true;
                return false;
            }
            return true;
        }

        @Override
        public boolean write(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            return write(b);
        }

        @Override
        public long outboundBacklog() {
            return backlog.get();
        }

        @Override
        public void suspendReading() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void resumeReading() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isReadingSuspended() {
            return false;
        }

        @Override
        public void startTls() {
            throw new UnsupportedOperationException("no TLS in this test transport");
        }

        @Override
        public boolean isTls() {
            return false;
        }

        @Override
        public void close() {
            out.add(new byte[0]);
        }

        @Override
        public boolean isOpen() {
            return !closed.get();
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object attachment) {
            this.attachment = attachment;
        }
    }
}
