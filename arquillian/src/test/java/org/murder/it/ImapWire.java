package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;

/** A bare IMAP connection to the node under test: sends what no client would, reads the answers up to the tagged one. */
public final class ImapWire implements AutoCloseable {

    private Socket socket;
    /** Read directly by tests that take a literal's bytes. */
    InputStream in;
    private OutputStream out;

    ImapWire() throws IOException {
        socket = new Socket(MurderNode.HOST, MurderNode.imapPort());
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void startTls() throws Exception {
        SSLSocket tls = (SSLSocket) MurderNode.trustAll().createSocket(socket, MurderNode.HOST, MurderNode.imapPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        socket = tls;
        in = new BufferedInputStream(tls.getInputStream());
        out = tls.getOutputStream();
    }

    /** Connected, through STARTTLS, logged in as alice. */
    static ImapWire loggedIn() throws Exception {
        return loggedIn(MurderNode.USER, MurderNode.USER_PASSWORD);
    }

    static ImapWire loggedIn(String user, String password) throws Exception {
        ImapWire w = new ImapWire();
        w.line();
        assertEquals("s1 OK Begin TLS negotiation now", last(w.command("s1", "STARTTLS")));
        w.startTls();
        assertStatus("OK", "s2", w.command("s2", "LOGIN " + user + " " + password));
        return w;
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Sends {@code tag + " " + rest} and returns every line up to and including the tagged one. */
    List<String> command(String tag, String rest) throws IOException {
        return command(tag, (tag + " " + rest + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    List<String> command(String tag, byte[] bytes) throws IOException {
        send(bytes);
        return until(tag);
    }

    List<String> until(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = line();
            lines.add(l);
            if (l.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The last line of an answer: the tagged one. */
    public static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /** The answer ended {@code tag expected ...}. */
    public static void assertStatus(String expected, String tag, List<String> lines) {
        String l = last(lines);
        assertTrue(l.startsWith(tag + " " + expected + " "), () -> "expected " + tag + " " + expected + ", got " + lines);
    }
}
