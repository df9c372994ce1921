package org.murder.connector.transport;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A blocking test client over a real socket: CRLF lines, exact byte counts, and a STARTTLS upgrade that
 * refuses to start while cleartext bytes it has not consumed are pending (they would be injected output).
 */
final class LineClient implements AutoCloseable {

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int pos;
    private int limit;

    LineClient(InetSocketAddress address) throws IOException {
        this(address, -1);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for before connecting, or -1 for the default */
    LineClient(InetSocketAddress address, int receiveBuffer) throws IOException {
        this.address = address;
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(address, 5_000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(15_000);
        use(s);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private boolean fill() throws IOException {
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** One line, CRLF removed. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pos == limit && !fill()) {
                throw new EOFException("EOF after " + line.size() + " bytes of a line: "
                        + line.toString(StandardCharsets.UTF_8));
            }
            byte b = buffer[pos++];
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    byte[] readExactly(int n) throws IOException {
        byte[] result = new byte[n];
        int got = 0;
        while (got < n) {
            if (pos == limit && !fill()) {
                throw new EOFException("EOF after " + got + " of " + n + " bytes");
            }
            int k = Math.min(n - got, limit - pos);
            System.arraycopy(buffer, pos, result, got, k);
            pos += k;
            got += k;
        }
        return result;
    }

    /** True when the server closed the stream with nothing more to read. */
    boolean atEof() throws IOException {
        if (pos < limit) {
            return false;
        }
        return !fill();
    }

    /**
     * Switches to TLS on the same socket (after the server's tagged OK to STARTTLS was read). Any
     * cleartext byte already received and not consumed fails the upgrade: it came after the OK.
     */
    void startTls(SSLContext context) throws IOException {
        if (pos < limit) {
            throw new IOException("cleartext bytes after the STARTTLS response: "
                    + new String(Arrays.copyOfRange(buffer, pos, limit), StandardCharsets.ISO_8859_1));
        }
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, address.getHostString(),
                address.getPort(), true);
        tls.setUseClientMode(true);
        tls.setSoTimeout(15_000);
        tls.startHandshake();
        use(tls);
    }

    /**
     * RFC 4978 COMPRESS=DEFLATE from here on (after the server's OK to COMPRESS was read): raw DEFLATE both ways,
     * each send sync-flushed; bytes already received after the OK are the start of the server's compressed stream.
     */
    void startCompression() {
        java.io.InputStream rest = new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(Arrays.copyOfRange(buffer, pos, limit)), in);
        pos = 0;
        limit = 0;
        in = new java.util.zip.InflaterInputStream(rest, new java.util.zip.Inflater(true));
        out = new java.util.zip.DeflaterOutputStream(out, new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true), true);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
