package org.murder.lmtp.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small LMTP server on a real socket for the proxy's tests: one thread per connection, replies chosen per recipient
 * by the test, and ways to misbehave (close after the message, never answer it, stop reading).
 */
final class TestLmtpServer implements AutoCloseable {

    /** What the server does after the final dot. */
    enum AfterData { REPLY, CLOSE, SILENT }

    final ServerSocket socket;
    final String name;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger lhlos = new AtomicInteger();
    final AtomicInteger rsets = new AtomicInteger();
    /** Messages received (dot-stuffing undone), in order. */
    final List<String> messages = new CopyOnWriteArrayList<>();
    /** Every command line received, all connections. */
    final List<String> commands = new CopyOnWriteArrayList<>();
    volatile Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
    volatile Function<String, String> dataReply = a -> "250 2.1.5 Ok SESSIONID=<" + a + ">";
    volatile String mailReply = "250 2.1.0 Ok";
    volatile AfterData afterData = AfterData.REPLY;
    /** When set, LHLO offers AUTH PLAIN and only this authcid/password (no authzid) gets 235. */
    volatile String plainUser;
    volatile String plainPassword;
    final List<String> authenticated = new CopyOnWriteArrayList<>();
    /** Counted down by the test to let a server that stopped reading go on. */
    volatile CountDownLatch readGate = new CountDownLatch(0);
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    TestLmtpServer(String name) throws IOException {
        this.name = name;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "test-lmtp-" + name);
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    BackendProfile profile() {
        return BackendProfile.plain(name, address(), "frontend.test");
    }

    private void accept() {
        try {
            while (true) {
                Socket s = socket.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "test-lmtp-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new java.io.BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            say(out, "220 " + name + " LMTP ready");
            List<String> accepted = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String upper = line.toUpperCase();
                if (upper.startsWith("LHLO")) {
                    lhlos.incrementAndGet();
                    say(out, "250-" + name + "\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n"
                            + (plainUser != null ? "250-AUTH PLAIN\r\n" : "") + "250 IGNOREQUOTA");
                } else if (upper.startsWith("AUTH PLAIN ") && plainUser != null) {
                    String decoded = new String(java.util.Base64.getDecoder().decode(line.substring(11).trim()),
                            StandardCharsets.UTF_8);
                    if (decoded.equals("\0" + plainUser + "\0" + plainPassword)) {
                        authenticated.add(plainUser);
                        say(out, "235 2.0.0 Authenticated");
                    } else {
                        say(out, "535 5.7.8 Authentication failed");
                    }
                } else if (upper.startsWith("MAIL FROM:")) {
                    accepted.clear();
                    say(out, mailReply);
                } else if (upper.startsWith("RCPT TO:")) {
                    String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                    String reply = mailReply.startsWith("250") ? rcptReply.apply(address) : "503 5.5.1 Need MAIL";
                    if (reply.startsWith("250")) {
                        accepted.add(address);
                    }
                    say(out, reply);
                } else if (upper.equals("DATA")) {
                    say(out, accepted.isEmpty() ? "503 5.5.1 No recipients" : "354 go ahead");
                    if (accepted.isEmpty()) {
                        continue;
                    }
                    readGate.await();
                    String message = readMessage(in);
                    if (message == null) {
                        return; // the client gave the message up
                    }
                    messages.add(message);
                    if (afterData == AfterData.CLOSE) {
                        return;
                    }
                    if (afterData == AfterData.SILENT) {
                        Thread.sleep(60_000);
                        return;
                    }
                    StringBuilder replies = new StringBuilder();
                    for (String a : accepted) {
                        replies.append(replies.length() == 0 ? "" : "\r\n").append(dataReply.apply(a));
                    }
                    accepted.clear();
                    say(out, replies.toString());
                } else if (upper.equals("RSET")) {
                    rsets.incrementAndGet();
                    accepted.clear();
                    say(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    say(out, "221 2.0.0 bye");
                    return;
                } else {
                    say(out, "500 5.5.2 what?");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static String readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        String line;
        while (true) {
            line = readLine(in);
            if (line == null) {
                return null;
            }
            if (line.equals(".")) {
                break;
            }
            m.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
            m.writeBytes(new byte[] {'\r', '\n'});
        }
        return m.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return null;
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Drops every open connection (a backend restart). */
    void dropConnections() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        dropConnections();
    }

}
