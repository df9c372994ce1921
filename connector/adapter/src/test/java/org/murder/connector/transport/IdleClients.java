package org.murder.connector.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link NioIdleConnectionsTest}, so that the client sockets' threads and heap do not
 * count against the server's: waits for "GO" on stdin, opens N connections and reads each greeting, prints
 * "READY N", then holds them until stdin closes.
 */
public final class IdleClients {

    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int n = Integer.parseInt(args[2]);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (!"GO".equals(stdin.readLine())) {
            return;
        }
        List<Socket> sockets = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.connect(address, 10_000);
                s.setSoTimeout(20_000);
                sockets.add(s);
                readLine(s.getInputStream());
            }
            System.out.println("READY " + sockets.size());
            System.out.flush();
            while (stdin.readLine() != null) {
                // hold the connections until the parent closes our stdin
            }
        } catch (IOException e) {
            System.out.println("ERROR after " + sockets.size() + " connections: " + e);
            System.out.flush();
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static void readLine(InputStream in) throws IOException {
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("EOF before the greeting");
            }
        }
    }
}
