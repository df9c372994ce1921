package org.murder.connector.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector and the thread that serves it (a long-running JCA Work in the container): the loop both the
 * listening side ({@link NioListener}) and the connecting side ({@link NioConnector}) run. Connections' own work
 * (endpoint and handler calls) runs on the {@code workers} executor, never on the selector thread.
 */
abstract class SelectorLoop implements Runnable {

    /** What the selector serves: a connection's socket. */
    interface Selectable {

        void onReadable(ByteBuffer scratch);

        void onWritable();

        /** Selector thread: a non-blocking connect has an outcome. */
        default void onConnectable() {
        }

        /** Closes at once: a failure on this connection, or the loop stopping. */
        void abort(Throwable cause);
    }

    private static final Logger LOG = Logger.getLogger(SelectorLoop.class.getName());
    private static final long STOP_WAIT_SECONDS = 10;

    private final String name;
    private final Executor workers;
    final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> selectorTasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private volatile boolean running = true;
    private volatile Thread selectorThread;
    /** Released when the selector loop has closed everything. */
    private final CountDownLatch finished = new CountDownLatch(1);

    SelectorLoop(String name, Executor workers) throws IOException {
        this.name = name;
        this.workers = workers;
        this.selector = Selector.open();
    }

    String name() {
        return name;
    }

    boolean running() {
        return running;
    }

    @Override
    public void run() {
        selectorThread = Thread.currentThread();
        String oldName = selectorThread.getName();
        selectorThread.setName("murder-" + name + "-selector");
        try {
            while (running) {
                selector.select(selectTimeoutMillis());
                Runnable task;
                while ((task = selectorTasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "MURDER-RA-007 " + name + " selector task failed", e);
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
                afterSelect();
            }
        } catch (ClosedSelectorException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "MURDER-RA-004 " + name + " selector failed", e);
        } finally {
            selectorThread.setName(oldName);
            closeAll();
            finished.countDown();
        }
    }

    /** How long one select may wait; at most a second, so that a stop is seen. */
    long selectTimeoutMillis() {
        return 1000;
    }

    /** Selector thread, after each round: time-outs. */
    void afterSelect() {
    }

    /** Selector thread: a key that is not a connection's (the listening socket's). */
    void handleOther(SelectionKey key) throws IOException {
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        try {
            if (!(key.attachment() instanceof Selectable c)) {
                handleOther(key);
                return;
            }
            if (key.isValid() && key.isConnectable()) {
                c.onConnectable();
            }
            if (key.isValid() && key.isWritable()) {
                c.onWritable();
            }
            if (key.isValid() && key.isReadable()) {
                c.onReadable(scratch);
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile
        } catch (IOException | RuntimeException | Error e) {
            // one connection's failure (even an Error such as running out of heap) must not end the loop: that
            // connection goes, the others and new ones are served; a JVM out of memory exits by its own option
            LOG.log(Level.SEVERE, "MURDER-RA-008 " + name + " connection failed; closing it", e);
            if (key.attachment() instanceof Selectable c) {
                c.abort(e);
            } else if (key.isValid()) {
                key.cancel();
            }
        }
    }

    /** Runs {@code task} on the selector thread (registrations belong there). */
    void onSelector(Runnable task) {
        selectorTasks.add(task);
        selector.wakeup();
    }

    /** Turns one interest bit on or off, from any thread. */
    void interest(SelectionKey key, int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            int ops = key.interestOps();
            if (((ops & op) != 0) == on) {
                return;
            }
            if (on) {
                key.interestOpsOr(op);
            } else {
                key.interestOpsAnd(~op);
            }
            if (Thread.currentThread() != selectorThread) {
                selector.wakeup();
            }
        } catch (CancelledKeyException e) {
            // closed meanwhile
        }
    }

    void cancel(SelectionKey key, SocketChannel ch) {
        if (key != null) {
            key.cancel();
        }
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }

    void execute(Runnable r) {
        workers.execute(r);
    }

    /** Stopping: before the loop is woken (close the listening socket). */
    void beforeStop() {
    }

    /** Selector thread (or the stopping thread if the loop never ran): abort every connection. */
    abstract void closeConnections();

    /**
     * Closes every connection; their endpoints or handlers still hear of it. On return the sockets are really
     * closed (a registered channel's socket is only closed once the selector lets go of it), so this waits,
     * boundedly, for the selector thread to finish.
     */
    public void stop() {
        running = false;
        beforeStop();
        selector.wakeup();
        Thread t = selectorThread;
        if (t == null) {
            closeAll();
        } else if (t != Thread.currentThread()) {
            try {
                if (!finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warning(() -> "MURDER-RA-013 " + name + " selector did not stop within "
                            + STOP_WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void closeAll() {
        closeConnections();
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
