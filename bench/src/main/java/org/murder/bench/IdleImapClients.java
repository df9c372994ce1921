package org.murder.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link BackendBench} in a child JVM, so that the client sockets do not live in the measuring process:
 * waits for {@code GO} on stdin, opens N IMAP connections, each LOGIN and (unless {@code select=no}) SELECT
 * INBOX, prints {@code READY n}, then holds them, idle, until stdin says anything else or closes; then LOGOUTs
 * nothing and simply closes them.
 *
 * <pre>IdleImapClients HOST PORT USER PASSWORD N [select=yes|no]</pre>
 */
public final class IdleImapClients {

    private IdleImapClients() {
    }

    public static void main(String[] args) throws IOException {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        int n = Integer.parseInt(args[4]);
        boolean select = args.length < 6 || !args[5].equals("select=no");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (!"GO".equals(stdin.readLine())) {
            return;
        }
        List<ImapConn> open = new ArrayList<>(n);
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ImapConn c = ImapConn.login(host, port, Duration.ofSeconds(60), user, password);
                open.add(c);
                if (select) {
                    ImapConn.Reply r = c.command("SELECT INBOX", false);
                    if (!r.ok()) {
                        throw new IOException("SELECT INBOX on connection " + (i + 1) + ": " + r);
                    }
                }
                if ((i + 1) % 1000 == 0) {
                    System.out.println("OPEN " + (i + 1));
                    System.out.flush();
                }
            }
            System.out.printf("READY %d %.1f%n", open.size(), (System.nanoTime() - t0) / 1e9);
            System.out.flush();
            stdin.readLine(); // anything, or EOF: let go
        } catch (IOException | RuntimeException e) {
            System.out.println("ERROR after " + open.size() + " connections: " + e);
            System.out.flush();
        } finally {
            for (ImapConn c : open) {
                c.close();
            }
        }
    }
}
