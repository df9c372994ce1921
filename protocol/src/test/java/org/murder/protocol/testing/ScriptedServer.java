package org.murder.protocol.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.murder.protocol.testing.Transcripts.Connection;
import org.murder.protocol.testing.Transcripts.Direction;
import org.murder.protocol.testing.Transcripts.Line;

/**
 * A one-connection loopback server that plays a script: send these bytes, expect exactly those bytes, pause,
 * switch to TLS. Scripts are built from the Cyrus captures so that a client is checked byte for byte against
 * what Cyrus's own client sent.
 */
public final class ScriptedServer implements AutoCloseable {

    public sealed interface Step {
    }

    public record Send(byte[] bytes) implements Step {
    }

    public record Expect(byte[] bytes) implements Step {
    }

    public record Pause(long millis) implements Step {
    }

    public record StartTls(SSLContext context) implements Step {
    }

    /** Drops the connection, as a crashing server would. */
    public record Close() implements Step {
    }

    private final ServerSocket listener;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean finished;

    public ScriptedServer(List<Step> script) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> run(script), "scripted-mupdate-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Waits for the script to end and rethrows what went wrong on the server side. */
    public void verify() throws Exception {
        done.await(10, TimeUnit.SECONDS);
        if (failure.get() != null) {
            throw new AssertionError("server script failed: " + failure.get().getMessage(), failure.get());
        }
        if (!finished) {
            throw new AssertionError("server script did not finish");
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void run(List<Step> script) {
        try (Socket accepted = listener.accept()) {
            accepted.setSoTimeout(10_000);
            Socket socket = accepted;
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (Step step : script) {
                if (step instanceof Send s) {
                    out.write(s.bytes());
                    out.flush();
                } else if (step instanceof Expect e) {
                    byte[] got = in.readNBytes(e.bytes().length);
                    String want = new String(e.bytes(), StandardCharsets.UTF_8);
                    String have = new String(got, StandardCharsets.UTF_8);
                    if (!want.equals(have)) {
                        throw new AssertionError("expected <" + want + "> but the client sent <" + have + ">");
                    }
                } else if (step instanceof Pause p) {
                    Thread.sleep(p.millis());
                } else if (step instanceof Close) {
                    socket.close();
                    break;
                } else if (step instanceof StartTls t) {
                    SSLSocket tls = (SSLSocket) t.context().getSocketFactory()
                            .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    socket = tls;
                    in = tls.getInputStream();
                    out = tls.getOutputStream();
                }
            }
            finished = true;
            done.countDown();
            if (socket.isClosed()) {
                return;
            }
            // hold the connection until the client closes it, so that it never reads an early EOF
            while (in.read() >= 0) {
                // drain
            }
        } catch (Throwable t) {
            if (!finished) {
                failure.set(t);
            }
        } finally {
            done.countDown();
        }
    }

    public static Send send(String text) {
        return new Send(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Expect expect(String text) {
        return new Expect(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The capture as a script: server lines become sends, client lines expectations, in capture order.
     * {@code clientTags} renames tags the capture's client chose differently from ours.
     */
    public static List<Step> fromTranscript(Connection connection, Map<String, String> clientTags) {
        List<Step> steps = new ArrayList<>();
        for (Line line : connection.lines()) {
            String text = line.text();
            for (Map.Entry<String, String> rename : clientTags.entrySet()) {
                if (text.startsWith(rename.getKey() + " ")) {
                    text = rename.getValue() + text.substring(rename.getKey().length());
                }
            }
            steps.add(line.direction() == Direction.SERVER ? send(text + "\r\n") : expect(text + "\r\n"));
        }
        return steps;
    }
}
