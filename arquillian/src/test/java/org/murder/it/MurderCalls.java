package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.murder.it.cyrus.ImapAdminClient;

/** What the multi-node scenarios ({@link ProxyMurder}) say to the nodes: REST as the admin, LMTP, IMAP logins. */
final class MurderCalls {

    static final Duration BOUND = Duration.ofSeconds(30);

    private MurderCalls() {
    }

    /** A REST call as the admin; the body of any status. */
    static HttpResponse<String> rest(ProxyMurder.Ports node, String method, String path) {
        try {
            return MurderNode.http(node.http(), method, path, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD,
                    !method.equals("GET"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body of a GET, or "" when the node does not answer (it may be down on purpose). */
    static String get(ProxyMurder.Ports node, String path) {
        try {
            HttpResponse<String> r = rest(node, "GET", path);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Whether the node's copy of the map (a frontend's) holds the mailbox. */
    static boolean inCopy(ProxyMurder.Ports frontend, String mailbox) {
        return get(frontend, "/api/copy?prefix=" + mailbox).contains("\"" + mailbox + "\"");
    }

    /** How a node routes a mailbox: local, remote, unknown or uncertain. */
    static String route(ProxyMurder.Ports node, String mailbox) {
        String body = get(node, "/api/backend/route/" + mailbox);
        int at = body.indexOf("\"route\":\"");
        return at < 0 ? "" : body.substring(at + 9, body.indexOf('"', at + 9));
    }

    /** Waits (bounded) for a condition, failing with {@code what} and the given logs' tails. */
    static void await(String what, Duration bound, java.util.function.BooleanSupplier condition, StandaloneNode... logs)
            throws InterruptedException {
        if (!MurderNode.await(bound, () -> {
            boolean ok = condition.getAsBoolean();
            if (!ok) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ok;
        })) {
            StringBuilder tails = new StringBuilder();
            for (StandaloneNode n : logs) {
                tails.append(n.logTail(2500));
            }
            throw new AssertionError("not within " + bound.toSeconds() + " s: " + what + tails);
        }
    }

    static ImapAdminClient login(ProxyMurder.Ports node, String user, String password) {
        ImapAdminClient c = ImapAdminClient.connect(ProxyMurder.HOST, node.imap(), BOUND);
        ImapAdminClient.Result r = c.login(user, password);
        assertTrue(r.ok(), "login " + user + " at " + node.imap() + ": " + r);
        return c;
    }

    static ImapAdminClient admin(ProxyMurder.Ports node) {
        return login(node, MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
    }

    /** APPEND of a small message (LITERAL+). */
    static ImapAdminClient.Result append(ImapAdminClient c, String mailbox, String subject) {
        String message = "Subject: " + subject + "\r\n\r\n" + subject + "\r\n";
        return c.command("APPEND " + ImapAdminClient.astring(mailbox) + " {"
                + message.getBytes(StandardCharsets.US_ASCII).length + "+}\r\n" + message);
    }

    /** What one LMTP transaction got: a reply per RCPT, then (when one was accepted) a reply per accepted one. */
    record Lmtp(List<String> rcpt, List<String> data) {
    }

    /** One LMTP transaction to {@code node}: MAIL, a RCPT per recipient, DATA if any was accepted. */
    static Lmtp lmtp(ProxyMurder.Ports node, List<String> recipients, String message) throws IOException {
        try (Socket s = new Socket(ProxyMurder.HOST, node.lmtp())) {
            s.setSoTimeout((int) BOUND.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertTrue(in.readLine().startsWith("220"));
            assertTrue(say(in, out, "LHLO it").startsWith("250"));
            assertTrue(say(in, out, "MAIL FROM:<sender@example.org>").startsWith("250"));
            List<String> rcpt = new ArrayList<>();
            for (String r : recipients) {
                rcpt.add(say(in, out, "RCPT TO:<" + r + ">"));
            }
            long accepted = rcpt.stream().filter(r -> r.startsWith("250")).count();
            List<String> data = new ArrayList<>();
            if (accepted > 0) {
                String go = say(in, out, "DATA");
                assertTrue(go.startsWith("354"), go);
                out.write((message.replace("\n", "\r\n") + "\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (long i = 0; i < accepted; i++) {
                    data.add(in.readLine());
                }
            }
            say(in, out, "QUIT");
            return new Lmtp(rcpt, data);
        }
    }

    private static String say(BufferedReader in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply;
        do {
            reply = in.readLine();
        } while (reply != null && reply.length() > 3 && reply.charAt(3) == '-');
        return reply == null ? "(closed)" : reply;
    }
}
