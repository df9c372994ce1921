package org.murder.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** A bare socket for sending what no well-behaved client would; reads the answer line by line. */
public final class RawLineClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawLineClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One line without its CRLF; null at end of stream. */
    public String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (b < 0 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Reads lines until one starts with the prefix; returns it. */
    public String lineStartingWith(String prefix) throws IOException {
        String l;
        while ((l = line()) != null) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new IOException("connection closed before a line starting with " + prefix);
    }

    public void skipBanner() throws IOException {
        lineStartingWith("* OK MUPDATE");
    }

    /** MUPDATE STARTTLS after the banner, the handshake, then the banner the server sends again under TLS. */
    public void startTlsMupdate(SSLSocketFactory factory) throws IOException {
        send("S01 STARTTLS\r\n");
        lineStartingWith("S01 OK");
        handshake(factory);
        skipBanner();
    }

    /** The TLS handshake on this connection, once the protocol's STARTTLS has been answered. */
    public void handshake(SSLSocketFactory factory) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(30_000);
        tls.startHandshake();
        socket = tls;
        in = new java.io.BufferedInputStream(tls.getInputStream()); // literals of megabytes are read through it
        out = tls.getOutputStream();
    }

    /** Exactly {@code n} bytes (a literal's content). */
    public byte[] bytes(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("connection closed inside a literal of " + n + " bytes");
        }
        return b;
    }

    /** IMAP STARTTLS after the greeting: the command, its OK, the handshake (trusting what {@code factory} trusts). */
    public void startTlsImap(SSLSocketFactory factory) throws IOException {
        send("T01 STARTTLS\r\n");
        lineStartingWith("T01 OK");
        handshake(factory);
    }

    /** Sends {@code tag + " " + rest + CRLF}; returns every line up to and including the tagged one. */
    public java.util.List<String> command(String tag, String rest) throws IOException {
        send(tag + " " + rest + "\r\n");
        return untilTagged(tag);
    }

    /** Lines up to and including the one tagged {@code tag}. */
    public java.util.List<String> untilTagged(String tag) throws IOException {
        java.util.List<String> lines = new java.util.ArrayList<>();
        String l;
        while ((l = line()) != null) {
            lines.add(l);
            if (l.startsWith(tag + " ")) {
                return lines;
            }
        }
        throw new IOException("connection closed before " + tag + " was answered: " + lines);
    }

    /** True if the server closed the connection (within the read timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
