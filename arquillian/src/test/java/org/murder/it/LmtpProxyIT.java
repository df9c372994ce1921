package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.protocol.lmtp.Address;
import org.murder.protocol.lmtp.ForwardPath;
import org.murder.protocol.lmtp.LmtpClient;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.lmtp.ReversePath;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;

/**
 * The node as a frontend (it has every role): a recipient whose mailbox the map places on backend {@code be9} is
 * proxied there over the adapter's outbound connections — {@code be9} is a small LMTP server in this test, reached
 * at {@code be9_lmtp_address} (arquillian.xml) — while the node's own recipients are delivered here, all in one
 * client transaction with the replies in the client's order. Until the multi-node fixture exists, this is the
 * proxy's end-to-end proof inside the server.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(120)
class LmtpProxyIT {

    private static final String R = MurderNode.RUN.substring(2);
    private static final Duration IO = Duration.ofSeconds(30);
    private static final int BE9_PORT = 12025;
    private static final List<String> received = new CopyOnWriteArrayList<>();
    private static final List<String> commands = new CopyOnWriteArrayList<>();
    private static final AtomicInteger connections = new AtomicInteger();
    private static ServerSocket be9;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    @BeforeAll
    static void backend() throws IOException {
        be9 = new ServerSocket(BE9_PORT, 50, InetAddress.getByName(MurderNode.HOST));
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket s = be9.accept();
                    connections.incrementAndGet();
                    Thread c = new Thread(() -> serve(s));
                    c.setDaemon(true);
                    c.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void stop() throws IOException {
        be9.close();
    }

    /** A minimal LMTP backend: accepts every recipient, one 250 per recipient after the message. */
    private static void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            say(out, "220 be9 LMTP ready");
            List<String> rcpts = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                commands.add(line);
                String u = line.toUpperCase();
                if (u.startsWith("LHLO")) {
                    say(out, "250-be9\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING");
                } else if (u.startsWith("MAIL") || u.equals("RSET")) {
                    rcpts.clear();
                    say(out, "250 2.1.0 Ok");
                } else if (u.startsWith("RCPT")) {
                    rcpts.add(line.substring(line.indexOf('<') + 1, line.indexOf('>')));
                    say(out, "250 2.1.5 Ok");
                } else if (u.equals("DATA")) {
                    say(out, "354 go ahead");
                    ByteArrayOutputStream m = new ByteArrayOutputStream();
                    while (!(line = readLine(in)).equals(".")) {
                        m.writeBytes((line.startsWith(".") ? line.substring(1) : line).getBytes(StandardCharsets.ISO_8859_1));
                        m.writeBytes(new byte[] {'\r', '\n'});
                    }
                    received.add(m.toString(StandardCharsets.ISO_8859_1));
                    StringBuilder replies = new StringBuilder();
                    for (String r : rcpts) {
                        replies.append(replies.length() == 0 ? "" : "\r\n").append("250 2.1.5 Ok be9 <").append(r).append(">");
                    }
                    say(out, replies.toString());
                } else if (u.equals("QUIT")) {
                    say(out, "221 2.0.0 bye");
                    return;
                } else {
                    say(out, "502 5.5.1 no");
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the frontend closed the connection
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static LmtpCommand.Rcpt to(String localPart) {
        return LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(localPart)));
    }

    private static void inMap(String mailbox, boolean reserveOnly) throws Exception {
        try (MupdateClient c = MurderNode.admin()) {
            MupdateResponse.Completion done = reserveOnly ? c.reserve(mailbox, new Location("be9", "default"))
                    : c.activate(mailbox, new Location("be9", "default"), "anyone\tp\t");
            assertEquals(MupdateResponse.Status.OK, done.status(), done::toString);
        }
        assertTrue(MurderNode.await(Duration.ofSeconds(10),
                () -> copyHas(mailbox)), "the map copy has " + mailbox);
    }

    private static boolean copyHas(String mailbox) {
        try {
            return MurderNode.get("/api/copy?prefix=" + mailbox).body().contains(mailbox);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void recipientsHereAndOnAnotherBackendInOneTransactionAnswerInTheClientsOrder() throws Exception {
        String remote = "px" + R;
        inMap("user." + remote, false);
        String subject = "proxied " + R;
        byte[] message = ("Subject: " + subject + "\r\n\r\n.a line with a dot\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 2; round++) {
            try (LmtpClient c = new LmtpClient(MurderNode.HOST, MurderNode.lmtpPort(), IO)) {
                assertEquals(220, c.greeting().code());
                assertEquals(250, c.lhlo("client.example.org").code());
                LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(ReversePath.of(Address.of("sender", "example.org"))),
                        List.of(to(remote), to("alice"), to("nosuch" + R)), new ByteArrayInputStream(message));
                assertEquals(List.of(250, 250, 550), d.recipients().stream().map(LmtpReply::code).toList(), d::toString);
                assertEquals(List.of(250, 250, 550), d.outcomes().stream().map(LmtpReply::code).toList(), d::toString);
                assertTrue(d.outcomes().get(0).text().contains("be9"), d::toString); // the backend's own 250
                assertTrue(!d.outcomes().get(1).text().contains("be9"), d::toString);
            }
        }
        assertEquals(2, received.size());
        assertTrue(received.get(0).startsWith("Received: from client.example.org"), received.get(0));
        assertTrue(received.get(0).endsWith("Subject: " + subject + "\r\n\r\n.a line with a dot\r\nbody\r\n"), received.get(0));
        assertEquals(1, connections.get(), "the second transaction reused the pooled connection");
        assertTrue(commands.contains("RSET"), commands::toString);
    }

    @Test
    void aMailboxBeingCreatedIsATemporaryFailureNeverABounce() throws Exception {
        String reserved = "rs" + R;
        inMap("user." + reserved, true);
        try (LmtpClient c = new LmtpClient(MurderNode.HOST, MurderNode.lmtpPort(), IO)) {
            c.greeting();
            c.lhlo("client.example.org");
            LmtpClient.Delivery d = c.deliver(LmtpCommand.Mail.of(ReversePath.of(Address.of("sender", "example.org"))),
                    List.of(to(reserved)), new ByteArrayInputStream("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(451, d.recipients().get(0).code(), d::toString);
            assertEquals("4.4.3", d.recipients().get(0).enhancedStatus().orElse(""), d::toString);
        }
    }
}
