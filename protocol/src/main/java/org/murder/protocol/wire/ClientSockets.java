package org.murder.protocol.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** The socket work the blocking clients (MUPDATE, LMTP) share: connecting with timeouts, and STARTTLS. */
public final class ClientSockets {

    private ClientSockets() {
    }

    /**
     * A connected socket with {@code timeout} for the connect and for every read, and Nagle off: the clients
     * write whole commands, and Nagle would only hold back the last bytes of each.
     */
    public static Socket connect(String host, int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), millis(timeout));
            s.setTcpNoDelay(true);
            s.setSoTimeout(millis(timeout));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * TLS over {@code plain} after the server agreed to STARTTLS, handshake done. The server's certificate must
     * match {@code host} unless the factory's sockets already say how to check it: a bare {@code SSLSocket}
     * checks the chain but not the name.
     */
    public static SSLSocket startTls(Socket plain, SSLSocketFactory factory, String host, int port, Duration timeout)
            throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, true);
        tls.setUseClientMode(true);
        SSLParameters parameters = tls.getSSLParameters();
        if (parameters.getEndpointIdentificationAlgorithm() == null) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
        }
        tls.setSoTimeout(millis(timeout));
        tls.startHandshake();
        return tls;
    }

    /** A timeout as socket milliseconds: at least 1 (0 would mean forever), at most {@code Integer.MAX_VALUE}. */
    public static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
