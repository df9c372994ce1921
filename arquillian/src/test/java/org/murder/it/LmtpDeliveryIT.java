package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
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
 * LMTP delivery on the node's backend over real sockets, by clients nobody here wrote (Python's
 * {@code smtplib.LMTP}, Debian Cyrus's {@code lmtptest}) and by our own {@link LmtpClient}. What arrived is read
 * from the spool files: a 250 means the file is there, whole, and indexed.
 *
 * <p>The node runs with {@code autocreate_post: yes}, so the first delivery to {@code alice} or {@code murder}
 * (the file realm's users) creates their INBOX. Every message has a Subject and Message-ID unique to the run, so
 * that nothing depends on what an earlier run or test left in the database or the spool.</p>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LmtpDeliveryIT {

    private static final String R = MurderNode.RUN;
    private static final String UNKNOWN = "nosuchuser" + R.substring(2);
    private static final Duration IO = Duration.ofSeconds(30);
    private static final ReversePath SENDER = ReversePath.of(Address.of("sender", "example.org"));

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    // ------------------------------------------------------------------ helpers

    private static LmtpClient lmtp() throws IOException {
        LmtpClient c = new LmtpClient(MurderNode.HOST, MurderNode.lmtpPort(), IO);
        assertEquals(220, c.greeting().code(), () -> "greeting " + safe(c));
        return c;
    }

    private static String safe(LmtpClient c) {
        try {
            return c.greeting().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static LmtpClient lmtpAfterLhlo() throws IOException {
        LmtpClient c = lmtp();
        assertEquals(250, c.lhlo("client.example.org").code());
        return c;
    }

    private static LmtpCommand.Rcpt to(String localPart) {
        return LmtpCommand.Rcpt.of(ForwardPath.of(Address.local(localPart)));
    }

    private static LmtpCommand.Mail from() {
        return LmtpCommand.Mail.of(SENDER);
    }

    private static void assertCode(int code, LmtpReply reply, String what) {
        assertEquals(code, reply.code(), () -> what + ": " + reply);
    }

    /** Delivers to one recipient and expects 250 after DATA. */
    private static void deliverOk(LmtpClient c, String recipient, byte[] message) throws IOException {
        LmtpClient.Delivery d = c.deliver(from(), List.of(to(recipient)), new ByteArrayInputStream(message));
        assertEquals(List.of(250), d.outcomes().stream().map(LmtpReply::code).toList(), () -> "delivery to " + recipient + ": " + d);
    }

    /** The one file holding {@code subject}; fails unless there is exactly one and it is the message as sent. */
    private static Path storedOnce(String subject, byte[] original) {
        List<Path> files = SpoolFiles.withSubject(MurderNode.spool(), subject);
        assertEquals(1, files.size(), () -> "files with Subject " + subject + ": " + files);
        assertNull(SpoolFiles.mismatch(files.get(0), original));
        return files.get(0);
    }

    /** What the finished tasks failed with. */
    private static String failures(List<? extends Future<?>> tasks) {
        List<String> out = new ArrayList<>();
        for (Future<?> f : tasks) {
            if (f.isDone()) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException | InterruptedException | java.util.concurrent.CancellationException e) {
                    out.add(String.valueOf(e.getCause() != null ? e.getCause() : e));
                }
            }
        }
        return out.isEmpty() ? "no client failed" : out.toString();
    }

    /** The mailbox directory of a user's INBOX (delivering a marker message first; autocreate makes it if needed). */
    private static String inboxOf(String user) throws IOException {
        String subject = R + " marker for " + user + " " + System.nanoTime();
        byte[] m = SpoolFiles.message(subject, subject.replace(' ', '.') + "@example.org", "marker");
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, user, m);
        }
        return SpoolFiles.mailboxOf(storedOnce(subject, m));
    }

    private static String subject(String what) {
        return R + " " + what;
    }

    private static String messageId(String what) {
        return what.replaceAll("[^A-Za-z0-9]", ".") + "." + R + "@it.example.org";
    }

    /** First, while the node is cold: the first connections at once each get a greeting and a working session. */
    /**
     * Issue 11: allowplaintext (off) with TLS material configured: LMTP takes no password in the clear. Before
     * STARTTLS, LHLO offers only SCRAM and AUTH PLAIN/LOGIN get RFC 4954's {@code 538 5.7.11}; after it, PLAIN works.
     */
    @Test
    void plaintextAuthIsRefusedBeforeTlsAndAcceptedAfterStartTls() throws Exception {
        try (LmtpClient c = lmtpAfterLhlo()) {
            assertTrue(c.offers("STARTTLS"), c.capabilities()::toString);
            assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1"), c.authMechanisms(), c.capabilities()::toString);
            LmtpReply plain = c.authPlain(MurderNode.USER, MurderNode.USER_PASSWORD);
            assertEquals(538, plain.code(), plain::toString);
            assertEquals(Optional.of("5.7.11"), plain.enhancedStatus(), plain::toString);
            assertEquals(538, c.command("AUTH LOGIN").code());
            assertEquals(220, c.startTls(MurderNode.trustAll()).code());
            assertEquals(250, c.lhlo("client.example.org").code());
            assertEquals(List.of("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN"), c.authMechanisms(),
                    c.capabilities()::toString);
            LmtpReply underTls = c.authPlain(MurderNode.USER, MurderNode.USER_PASSWORD);
            assertEquals(235, underTls.code(), underTls::toString);
        }
    }

    @Test
    @Order(1)
    void aBurstOfFirstConnectionsIsGreeted() throws Exception {
        int clients = 10;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try (LmtpClient c = new LmtpClient(MurderNode.HOST, MurderNode.lmtpPort(), Duration.ofSeconds(15))) {
                        return List.of(c.greeting().code(), c.lhlo("burst.example.org").code(), c.noop().code());
                    }
                }));
            }
            go.countDown();
            for (Future<List<Integer>> f : results) {
                assertEquals(List.of(220, 250, 250), f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ Python's smtplib.LMTP

    private static final String SMTPLIB_SCRIPT = """
            import json, smtplib, sys
            port = int(sys.argv[1])
            plain, folder, multi = [open(p, 'rb').read() for p in sys.argv[2:5]]
            unknown = sys.argv[5]
            res = {}
            s = smtplib.LMTP('127.0.0.1', port, timeout=30)
            code, _ = s.ehlo()
            res['lhlo'] = code
            res['features'] = sorted(s.esmtp_features.keys())
            res['plain'] = {k: [v[0], v[1].decode()] for k, v in s.sendmail('sender@example.org', ['alice'], plain).items()}
            try:
                s.sendmail('sender@example.org', [unknown], plain)
                res['unknown'] = [0, 'accepted']
            except smtplib.SMTPRecipientsRefused as e:
                res['unknown'] = [e.recipients[unknown][0], e.recipients[unknown][1].decode()]
            res['folder'] = {k: [v[0], v[1].decode()] for k, v in s.sendmail('sender@example.org', ['alice+nosuchfolder'], folder).items()}
            # several recipients: smtplib reads only the first reply after DATA, the others are read here
            res['mail'] = s.mail('sender@example.org')[0]
            res['rcpt'] = [s.rcpt(r)[0] for r in ('alice', unknown, 'murder')]
            first = s.data(multi)
            second = s.getreply()
            res['data'] = [[first[0], first[1].decode()], [second[0], second[1].decode()]]
            res['noop'] = s.noop()[0]
            res['quit'] = s.quit()[0]
            print(json.dumps(res))
            """;

    @Test
    void pythonSmtplibDeliversRefusesUnknownUsersAndFallsBackToTheInbox(@TempDir Path tmp) throws Exception {
        String python = findExecutable("python3");
        Peers.require(python != null, "python3 is not installed");
        String plainSubject = subject("smtplib plain");
        String folderSubject = subject("smtplib folder");
        String multiSubject = subject("smtplib two recipients");
        byte[] plain = SpoolFiles.message(plainSubject, messageId("smtplib plain"), "Hello from Python's smtplib.", ".a dot", "bye");
        byte[] folder = SpoolFiles.message(folderSubject, messageId("smtplib folder"), "For a folder that does not exist.");
        byte[] multi = SpoolFiles.message(multiSubject, messageId("smtplib multi"), "For alice and murder.");
        Path script = tmp.resolve("lmtp.py");
        Files.writeString(script, SMTPLIB_SCRIPT);
        Files.write(tmp.resolve("plain.eml"), plain);
        Files.write(tmp.resolve("folder.eml"), folder);
        Files.write(tmp.resolve("multi.eml"), multi);

        Output out = run(Duration.ofSeconds(90), python, script.toString(), Integer.toString(MurderNode.lmtpPort()),
                tmp.resolve("plain.eml").toString(), tmp.resolve("folder.eml").toString(), tmp.resolve("multi.eml").toString(),
                UNKNOWN);
        assertEquals(0, out.exit(), out::toString);
        String[] lines = out.stdout().strip().split("\n");
        JsonObject res;
        try (JsonReader r = Json.createReader(new StringReader(lines[lines.length - 1]))) {
            res = r.readObject();
        }
        assertEquals(250, res.getInt("lhlo"), res::toString);
        Set<String> features = res.getJsonArray("features").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).collect(Collectors.toSet());
        assertTrue(features.containsAll(Set.of("pipelining", "enhancedstatuscodes", "8bitmime")), features::toString);
        assertTrue(res.getJsonObject("plain").isEmpty(), () -> "sendmail refused nothing: " + res);
        JsonArray unknown = res.getJsonArray("unknown");
        assertEquals(550, unknown.getInt(0), res::toString);
        assertTrue(unknown.getString(1).endsWith("5.1.1 User unknown"), res::toString);
        assertTrue(res.getJsonObject("folder").isEmpty(), res::toString);
        assertEquals(250, res.getInt("mail"));
        assertEquals(List.of(250, 550, 250), res.getJsonArray("rcpt").getValuesAs(jakarta.json.JsonNumber.class).stream()
                .map(jakarta.json.JsonNumber::intValue).toList());
        JsonArray data = res.getJsonArray("data");
        assertEquals(2, data.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(250, data.getJsonArray(i).getInt(0), res::toString);
            assertTrue(data.getJsonArray(i).getString(1).startsWith("2."), res::toString);
        }
        assertEquals(250, res.getInt("noop"), "no reply was left unread: " + res);
        assertEquals(221, res.getInt("quit"));

        String aliceInbox = SpoolFiles.mailboxOf(storedOnce(plainSubject, plain));
        assertEquals(aliceInbox, SpoolFiles.mailboxOf(storedOnce(folderSubject, folder)),
                "alice+nosuchfolder lands in alice's INBOX");
        List<Path> both = SpoolFiles.withSubject(MurderNode.spool(), multiSubject);
        assertEquals(2, both.size(), both::toString);
        for (Path p : both) {
            assertNull(SpoolFiles.mismatch(p, multi));
        }
        Set<String> boxes = both.stream().map(SpoolFiles::mailboxOf).collect(Collectors.toSet());
        assertEquals(2, boxes.size(), "one copy in each INBOX: " + both);
        assertTrue(boxes.contains(aliceInbox), both::toString);
    }

    @Test
    void autocreatePostRegistersTheInboxWithTheMaster() throws Exception {
        inboxOf(MurderNode.USER);
        try (MupdateClient c = MurderNode.admin()) {
            MupdateClient.Reply found = c.find("user." + MurderNode.USER);
            assertEquals(MupdateResponse.Status.OK, found.completion().status(), found::toString);
            assertEquals(1, found.data().size(), found::toString);
            MupdateResponse.MailboxData m = (MupdateResponse.MailboxData) found.data().get(0);
            assertEquals(new Location(MurderNode.SERVERNAME, "default"), m.location());
            assertTrue(m.acl().startsWith(MurderNode.USER + "\t"), m::toString);
        }
    }

    @Test
    void concurrentFirstDeliveriesToANewUserAllSucceedIntoOneInboxThatStaysInTheMap() throws Exception {
        String user = "race" + R.substring(2);
        addUser(user, "race-pw");
        int clients = 8;
        String prefix = subject("race");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<LmtpClient.Delivery>> results = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                String s = prefix + " " + w;
                byte[] m = SpoolFiles.message(s, messageId(s), "first mail for " + user);
                results.add(pool.submit(() -> {
                    try (LmtpClient c = lmtpAfterLhlo()) {
                        ready.countDown();
                        go.await();
                        return c.deliver(from(), List.of(to(user)), new ByteArrayInputStream(m));
                    }
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), () -> "clients not connected within 30 s: " + failures(results));
            go.countDown();
            for (Future<LmtpClient.Delivery> f : results) {
                LmtpClient.Delivery d = f.get(60, TimeUnit.SECONDS);
                assertEquals(List.of(250), d.outcomes().stream().map(LmtpReply::code).toList(),
                        () -> "every first delivery to a new user is accepted: " + d);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> boxes = new HashSet<>();
        for (int w = 0; w < clients; w++) {
            String s = prefix + " " + w;
            boxes.add(SpoolFiles.mailboxOf(storedOnce(s, SpoolFiles.message(s, messageId(s), "first mail for " + user))));
        }
        assertEquals(1, boxes.size(), "one INBOX: " + boxes);
        try (MupdateClient c = MurderNode.admin()) {
            MupdateClient.Reply found = c.find("user." + user);
            assertEquals(1, found.data().size(), () -> "user." + user + " is in the mailbox map: " + found);
            assertEquals(MupdateResponse.MailboxData.class, found.data().get(0).getClass(), found::toString);
            assertEquals(new Location(MurderNode.SERVERNAME, "default"), ((MupdateResponse.MailboxData) found.data().get(0)).location());
        }
    }

    /** A user of this run in the node's file realm, as ./murder adduser makes one (a line, then the realm's load). */
    private void addUser(String user, String password) throws Exception {
        RealmUsers.addToNode(user, password);
    }

    // ------------------------------------------------------------------ Cyrus's lmtptest

    @Test
    void cyrusLmtptestAuthenticatesAndDeliversToTwoInboxes() throws Exception {
        Path binary = Path.of(System.getProperty("cyrus.lmtptest", "/usr/lib/cyrus/bin/lmtptest"));
        Peers.require(Files.isExecutable(binary), "Debian's Cyrus clients are not installed (apt-get install cyrus-clients)");
        String subject = subject("lmtptest");
        byte[] message = SpoolFiles.message(subject, messageId("lmtptest"), "Sent by Cyrus's lmtptest.", "..starts with a dot");
        String aliceInbox = inboxOf(MurderNode.USER);
        String murderInbox = inboxOf(MurderNode.ADMIN);
        try (Imtest t = Imtest.start(List.of(binary.toString(), "-a", MurderNode.USER, "-w", MurderNode.USER_PASSWORD,
                "-m", "SCRAM-SHA-256", "-p", Integer.toString(MurderNode.lmtpPort()), MurderNode.HOST), Duration.ofSeconds(20))) {
            assertTrue(t.authenticated(), t::output);
            // TLS is configured and allowplaintext is off: before STARTTLS only SCRAM is offered (as Cyrus's libsasl)
            assertTrue(t.output().contains("250-AUTH SCRAM-SHA-256 SCRAM-SHA-1")
                    && !t.output().contains("250-AUTH SCRAM-SHA-256 SCRAM-SHA-1 PLAIN"), t::output);
            assertTrue(t.output().contains("235 2.7.0"), t::output);
            t.send("MAIL FROM:<carol@example.org>");
            assertTrue(t.reply(0).startsWith("250 "), t::output);
            t.send("RCPT TO:<alice>");
            assertTrue(t.reply(1).startsWith("250 "), t::output);
            t.send("RCPT TO:<murder>");
            assertTrue(t.reply(2).startsWith("250 "), t::output);
            t.send("DATA");
            assertTrue(t.reply(3).startsWith("354 "), t::output);
            // imtest copies lines as they are: the dot-stuffing is ours
            for (String line : new String(message, StandardCharsets.US_ASCII).split("\r\n")) {
                t.send(line.startsWith(".") ? "." + line : line);
            }
            t.send(".");
            assertTrue(t.reply(4).startsWith("250 "), t::output);
            assertTrue(t.reply(5).startsWith("250 "), t::output);
            t.send("NOOP");
            assertTrue(t.reply(6).startsWith("250 "), t::output);
            assertEquals(0, t.finish(), t::output);
            assertTrue(t.output().contains("221 "), "QUIT on end of input: " + t.output());
        }
        List<Path> files = SpoolFiles.withSubject(MurderNode.spool(), subject);
        assertEquals(Set.of(aliceInbox, murderInbox), files.stream().map(SpoolFiles::mailboxOf).collect(Collectors.toSet()),
                files::toString);
        assertEquals(2, files.size());
        for (Path p : files) {
            assertNull(SpoolFiles.mismatch(p, message));
            assertTrue(SpoolFiles.trace(p, message.length).contains(" with LMTPA;"),
                    "an authenticated session is LMTPA in Received");
        }
    }

    // ------------------------------------------------------------------ our LmtpClient

    @Test
    void pipelinedRecipientsGetOneReplyEachAfterData() throws Exception {
        String aliceInbox = inboxOf(MurderNode.USER);
        String subject = subject("pipelined");
        byte[] message = SpoolFiles.message(subject, messageId("pipelined"), "Three recipients, one unknown.");
        try (LmtpClient c = lmtpAfterLhlo()) {
            assertTrue(c.offers("PIPELINING"), c.capabilities()::toString);
            assertTrue(c.offers("ENHANCEDSTATUSCODES"), c.capabilities()::toString);
            LmtpClient.Delivery d = c.deliver(from(), List.of(to(MurderNode.USER), to(UNKNOWN), to(MurderNode.ADMIN)),
                    new ByteArrayInputStream(message));
            assertCode(250, d.mail(), "MAIL");
            assertEquals(List.of(250, 550, 250), d.recipients().stream().map(LmtpReply::code).toList(), d::toString);
            assertCode(354, d.data().orElseThrow(), "DATA");
            assertEquals(List.of(250, 550, 250), d.outcomes().stream().map(LmtpReply::code).toList(), d::toString);
            assertEquals("5.1.1", d.outcomes().get(1).enhancedStatus().orElse(""));
            // exactly two replies came after DATA: the next reply is VRFY's own
            assertCode(252, c.command("VRFY alice"), "VRFY after the delivery");
        }
        List<Path> files = SpoolFiles.withSubject(MurderNode.spool(), subject);
        assertEquals(2, files.size(), files::toString);
        files.forEach(p -> assertNull(SpoolFiles.mismatch(p, message)));
        Set<String> boxes = files.stream().map(SpoolFiles::mailboxOf).collect(Collectors.toSet());
        assertEquals(2, boxes.size(), files::toString);
        assertTrue(boxes.contains(aliceInbox), files::toString);
    }

    @Test
    void dataEndsAGroupAndTheNextTransactionMayFollowTheDotInTheSameWrite() throws Exception {
        String subject1 = subject("raw pipeline one");
        String subject2 = subject("raw pipeline two");
        byte[] m1 = SpoolFiles.message(subject1, messageId("raw pipeline one"), "first");
        byte[] m2 = SpoolFiles.message(subject2, messageId("raw pipeline two"), "second");
        try (RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.lmtpPort())) {
            assertTrue(reply(c).startsWith("220 "));
            // RFC 2920: DATA may end a group; the content waits for 354
            c.send("LHLO client.example.org\r\nMAIL FROM:<sender@example.org>\r\nRCPT TO:<alice>\r\nRCPT TO:<murder>\r\nDATA\r\n");
            assertTrue(reply(c).startsWith("250 "), "LHLO");
            assertTrue(reply(c).startsWith("250 "), "MAIL");
            assertTrue(reply(c).startsWith("250 "), "RCPT alice");
            assertTrue(reply(c).startsWith("250 "), "RCPT murder");
            assertTrue(reply(c).startsWith("354 "), "DATA");
            // the content may start a group: the next transaction follows the dot in the same write
            ByteArrayOutputStream group = new ByteArrayOutputStream();
            group.writeBytes(m1);
            group.writeBytes(".\r\nMAIL FROM:<>\r\nRCPT TO:<alice>\r\nDATA\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(group.toByteArray());
            assertTrue(reply(c).startsWith("250 "), "delivered to alice");
            assertTrue(reply(c).startsWith("250 "), "delivered to murder");
            assertTrue(reply(c).startsWith("250 "), "second MAIL");
            assertTrue(reply(c).startsWith("250 "), "second RCPT");
            assertTrue(reply(c).startsWith("354 "), "second DATA");
            group.reset();
            group.writeBytes(m2);
            group.writeBytes(".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            c.send(group.toByteArray());
            assertTrue(reply(c).startsWith("250 "), "second delivery");
            assertTrue(reply(c).startsWith("221 "), "QUIT");
            assertTrue(c.closedByServer());
        }
        List<Path> first = SpoolFiles.withSubject(MurderNode.spool(), subject1);
        assertEquals(2, first.size(), first::toString);
        first.forEach(p -> assertNull(SpoolFiles.mismatch(p, m1)));
        Path second = storedOnce(subject2, m2);
        assertTrue(SpoolFiles.trace(second, m2.length).startsWith("Return-Path: <>\r\n"), "the null sender is kept");
    }

    /**
     * A client that does not wait for the 354 (RFC 2920 says it must) still gets its message delivered, as from
     * Cyrus's lmtpd, which reads one command at a time: what follows DATA waits for the server's answer. After a
     * refused DATA (no valid recipient) the same bytes are commands again.
     */
    @Test
    void aMessageSentWithoutWaitingForThe354IsStillTheMessage() throws Exception {
        String subject = subject("no wait for 354");
        byte[] m = SpoolFiles.message(subject, messageId("no wait for 354"), "sent in one write");
        try (RawLineClient c = new RawLineClient(MurderNode.HOST, MurderNode.lmtpPort())) {
            assertTrue(reply(c).startsWith("220 "));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes("LHLO client.example.org\r\nMAIL FROM:<sender@example.org>\r\nRCPT TO:<alice>\r\nDATA\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            all.writeBytes(m);
            all.writeBytes(".\r\nMAIL FROM:<>\r\nRCPT TO:<nobody-here>\r\nDATA\r\nNOOP\r\nQUIT\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            c.send(all.toByteArray());
            assertTrue(reply(c).startsWith("250 "), "LHLO");
            assertTrue(reply(c).startsWith("250 "), "MAIL");
            assertTrue(reply(c).startsWith("250 "), "RCPT");
            assertTrue(reply(c).startsWith("354 "), "DATA");
            assertTrue(reply(c).startsWith("250 "), "delivered");
            assertTrue(reply(c).startsWith("250 "), "second MAIL");
            assertTrue(reply(c).startsWith("550 "), "unknown recipient");
            assertTrue(reply(c).startsWith("503 "), "DATA without a recipient");
            assertTrue(reply(c).startsWith("250 "), "NOOP, read as a command after the refused DATA");
            assertTrue(reply(c).startsWith("221 "), "QUIT");
        }
        storedOnce(subject, m);
    }

    /** One whole reply (its continuation lines skipped): the last line. */
    private static String reply(RawLineClient c) throws IOException {
        for (int i = 0; i < 100; i++) {
            String l = c.line();
            if (l == null) {
                throw new IOException("connection closed before a reply");
            }
            if (l.length() < 4 || l.charAt(3) != '-') {
                return l;
            }
        }
        throw new IOException("a reply of more than 100 lines");
    }

    @Test
    void duplicateMessageIdIsAcceptedButStoredOncePerMailbox() throws Exception {
        String subject = subject("duplicate");
        byte[] message = SpoolFiles.message(subject, messageId("duplicate"), "Sent twice, kept once.");
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, MurderNode.USER, message);
            deliverOk(c, MurderNode.USER, message);
        }
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, MurderNode.USER + "+nosuchfolder", message); // the same INBOX by another address
        }
        Path once = storedOnce(subject, message);
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, MurderNode.ADMIN, message); // another mailbox has not seen it
        }
        List<Path> files = SpoolFiles.withSubject(MurderNode.spool(), subject);
        assertEquals(2, files.size(), files::toString);
        assertTrue(files.contains(once));
        files.forEach(p -> assertNull(SpoolFiles.mismatch(p, message)));
        assertNotEquals(SpoolFiles.mailboxOf(files.get(0)), SpoolFiles.mailboxOf(files.get(1)));
    }

    @Test
    void dotStuffedLinesArriveIntact() throws Exception {
        String subject = subject("dots");
        byte[] message = SpoolFiles.message(subject, messageId("dots"),
                ".leading dot", "..two dots", ".", "..", "...", " .space then dot", "end with a dot.", ".\tdot tab",
                "", ".", "last");
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, MurderNode.USER, message);
        }
        storedOnce(subject, message);
    }

    @Test
    void eightBitLongLinesAndBareCrArriveExactlyWithCyrusMailParameters() throws Exception {
        String subject = subject("exact bytes");
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(SpoolFiles.message(subject, messageId("exact bytes"), "8-bit, long lines, a bare CR:"));
        m.writeBytes("Gr\u00fc\u00dfe aus K\u00f6ln \u2013 \u65e5\u672c\u8a9e\r\n".getBytes(StandardCharsets.UTF_8));
        m.writeBytes(("L" + "o".repeat(20_000) + "ng line\r\n").getBytes(StandardCharsets.US_ASCII));
        m.writeBytes(("." + "x".repeat(9_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        m.writeBytes("bare\rCR inside a line\r\n".getBytes(StandardCharsets.US_ASCII));
        m.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'l', 'a', 't', 'i', 'n', '-', '1', '\r', '\n'});
        byte[] message = m.toByteArray();
        try (LmtpClient c = lmtpAfterLhlo()) {
            assertTrue(c.offers("8BITMIME"), c.capabilities()::toString);
            // what Cyrus's lmtpproxyd sends
            LmtpCommand.Mail mail = new LmtpCommand.Mail(SENDER,
                    new java.util.LinkedHashMap<>(Map.of("BODY", "8BITMIME", "SIZE", Integer.toString(message.length), "AUTH", "<>")));
            LmtpClient.Delivery d = c.deliver(mail, List.of(to(MurderNode.USER)), new ByteArrayInputStream(message));
            assertCode(250, d.mail(), "MAIL with BODY, SIZE and AUTH");
            assertEquals(List.of(250), d.outcomes().stream().map(LmtpReply::code).toList(), d::toString);
            assertCode(250, c.noop(), "NOOP");
        }
        storedOnce(subject, message);
    }

    @Test
    void concurrentCopiesOfOneMessageAreAllAcceptedAndStoredOnce() throws Exception {
        String subject = subject("concurrent duplicate");
        byte[] message = SpoolFiles.message(subject, messageId("concurrent duplicate"), "the same message, six times at once");
        int clients = 6;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Integer> codes = new ArrayList<>();
        try {
            List<Future<LmtpClient.Delivery>> results = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                results.add(pool.submit(() -> {
                    try (LmtpClient c = lmtpAfterLhlo()) {
                        ready.countDown();
                        go.await();
                        return c.deliver(from(), List.of(to(MurderNode.USER)), new ByteArrayInputStream(message));
                    }
                }));
            }
            assertTrue(ready.await(30, TimeUnit.SECONDS), () -> "clients not connected within 30 s: " + failures(results));
            go.countDown();
            for (Future<LmtpClient.Delivery> f : results) {
                codes.add(f.get(60, TimeUnit.SECONDS).outcomes().get(0).code());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Collections.nCopies(clients, 250), codes, "every copy is accepted");
        storedOnce(subject, message);
    }

    @Test
    void aOneMegabyteMessageArrivesWhole() throws Exception {
        String subject = subject("one megabyte");
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/.";
        List<String> lines = new ArrayList<>();
        int size = 0;
        while (size < 1024 * 1024) {
            StringBuilder l = new StringBuilder(76);
            for (int i = 0; i < 76; i++) {
                l.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            lines.add(l.toString());
            size += 78;
        }
        byte[] message = SpoolFiles.message(subject, messageId("one megabyte"), lines.toArray(String[]::new));
        assertTrue(message.length > 1024 * 1024);
        Instant start = Instant.now();
        try (LmtpClient c = lmtpAfterLhlo()) {
            deliverOk(c, MurderNode.USER, message);
            assertCode(250, c.noop(), "NOOP after a large message");
        }
        System.out.println("1 MB delivered in " + Duration.between(start, Instant.now()).toMillis() + " ms");
        Path stored = storedOnce(subject, message);
        assertTrue(Files.size(stored) > message.length);
    }

    @Test
    void concurrentDeliveriesToOneMailboxEachGetTheirOwnFile() throws Exception {
        int clients = 6;
        int each = 15;
        String prefix = subject("concurrent");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                int worker = w;
                results.add(pool.submit(() -> {
                    List<String> sent = new ArrayList<>();
                    try (LmtpClient c = lmtpAfterLhlo()) {
                        for (int i = 0; i < each; i++) {
                            String s = prefix + " " + worker + "/" + i;
                            deliverOk(c, i % 3 == 0 ? MurderNode.ADMIN : MurderNode.USER, SpoolFiles.message(s, messageId(s), body(worker, i)));
                            sent.add(s);
                        }
                    }
                    return sent;
                }));
            }
            for (Future<List<String>> f : results) {
                assertEquals(each, f.get(120, TimeUnit.SECONDS).size());
            }
            Map<String, List<Path>> stored = SpoolFiles.bySubject(MurderNode.spool());
            Set<Path> distinct = new HashSet<>();
            for (int w = 0; w < clients; w++) {
                for (int i = 0; i < each; i++) {
                    String s = prefix + " " + w + "/" + i;
                    List<Path> files = stored.getOrDefault(s, List.of());
                    assertEquals(1, files.size(), s + ": " + files);
                    assertNull(SpoolFiles.mismatch(files.get(0), SpoolFiles.message(s, messageId(s), body(w, i))));
                    distinct.add(files.get(0));
                }
            }
            assertEquals(clients * each, distinct.size());
        } finally {
            pool.shutdownNow();
        }
    }

    private static String body(int worker, int i) {
        return ("worker " + worker + " message " + i + " ").repeat(1 + (worker * 31 + i * 17) % 200);
    }

    @Test
    void badInputIsRefusedAndTheConnectionStaysUsable() throws Exception {
        try (LmtpClient c = lmtp()) {
            LmtpReply r = c.command("MAIL FROM:<sender@example.org>");
            assertCode(503, r, "MAIL before LHLO");
            assertCode(250, c.noop(), "NOOP");
            r = c.command("HELO client.example.org");
            assertCode(500, r, "HELO");
            assertTrue(r.text().contains("LHLO"), r::toString);
            assertCode(250, c.noop(), "NOOP");
            r = c.command("EHLO client.example.org");
            assertCode(500, r, "EHLO");
            assertCode(250, c.noop(), "NOOP");
            assertCode(250, c.lhlo("client.example.org"), "LHLO");

            r = c.command("X".repeat(5000));
            assertCode(500, r, "a 5,000-character line");
            assertCode(250, c.noop(), "one reply for a long line");
            r = c.command("NOOP " + "y".repeat(100_000));
            assertCode(500, r, "a 100,000-character line");
            assertCode(250, c.noop(), "one reply for a very long line");
            r = c.command("FROBNICATE the server");
            assertCode(500, r, "an unknown verb");
            assertCode(250, c.noop(), "NOOP");
            r = c.command("\u0001\u0002garbage\u007f");
            assertTrue(r.permanentFailure(), r::toString);
            assertCode(250, c.noop(), "NOOP");
            r = c.command("");
            assertTrue(r.permanentFailure(), r::toString);
            assertCode(250, c.noop(), "NOOP");

            r = c.command("DATA");
            assertCode(503, r, "DATA before MAIL");
            assertCode(250, c.noop(), "NOOP");
            r = c.command("RCPT TO:<alice>");
            assertCode(503, r, "RCPT before MAIL");
            assertCode(250, c.noop(), "NOOP");
            assertCode(250, c.mail(from()), "MAIL");
            r = c.command("DATA");
            assertCode(503, r, "DATA before RCPT");
            r = c.command("MAIL FROM:<other@example.org>");
            assertCode(503, r, "a nested MAIL");
            assertCode(250, c.noop(), "NOOP");
            assertCode(250, c.rset(), "RSET");

            // after all that, a delivery on the same connection
            String subject = subject("after bad input");
            byte[] message = SpoolFiles.message(subject, messageId("after bad input"), "still works");
            deliverOk(c, MurderNode.USER, message);
            assertCode(221, c.quit(), "QUIT");
            storedOnce(subject, message);
        }
    }

    // ------------------------------------------------------------------ processes

    record Output(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static String findExecutable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Runs a program to its end, bounded; kills it when it overstays. */
    private static Output run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            o.join(5000);
            e.join(5000);
            return new Output(p.exitValue(), snapshot(out), snapshot(err));
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] b = new byte[8192];
            try {
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (to) {
                        to.write(b, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "process-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String snapshot(ByteArrayOutputStream b) {
        synchronized (b) {
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Cyrus's imtest as {@code lmtptest}: it prints the exchange up to authentication ({@code S:}/{@code C:}),
     * {@code Authenticated.} and {@code Security strength factor: N}, then copies stdin lines to the server and
     * the server's replies to stdout; on end of input it sends QUIT. LMTP replies carry no tags, so each wait is
     * for the n-th complete reply (its last line) since authentication.
     */
    static final class Imtest implements AutoCloseable {
        private static final Pattern FINAL_LINE = Pattern.compile("[0-9]{3}(?: .*)?");
        private final Process process;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final OutputStream stdin;
        private final Duration timeout;
        private final Thread pump;
        private int body = -1;

        private Imtest(Process process, Duration timeout) {
            this.process = process;
            this.timeout = timeout;
            this.stdin = process.getOutputStream();
            this.pump = pump(process.getInputStream(), buf);
        }

        static Imtest start(List<String> command, Duration timeout) throws IOException, InterruptedException {
            Imtest t = new Imtest(new ProcessBuilder(command).redirectErrorStream(true).start(), timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && t.body < 0) {
                String out = t.output();
                int i = out.indexOf("Security strength factor:");
                int nl = i < 0 ? -1 : out.indexOf('\n', i);
                if (nl >= 0) {
                    t.body = nl + 1;
                } else if (!t.process.isAlive()) {
                    break;
                } else {
                    Thread.sleep(20);
                }
            }
            return t;
        }

        boolean authenticated() {
            return body >= 0 && output().substring(0, body).contains("\nAuthenticated.");
        }

        String output() {
            return snapshot(buf);
        }

        void send(String line) throws IOException {
            stdin.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        /** The last line of the {@code n}-th reply since authentication (0-based), waiting for it. */
        String reply(int n) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            do {
                List<String> finals = finals();
                if (finals.size() > n) {
                    return finals.get(n);
                }
                Thread.sleep(10);
            } while (System.nanoTime() < deadline && process.isAlive());
            List<String> finals = finals();
            if (finals.size() > n) {
                return finals.get(n);
            }
            throw new AssertionError("no reply #" + n + " within " + timeout + "; output:\n" + output());
        }

        private List<String> finals() {
            if (body < 0) {
                return List.of();
            }
            String out = output().substring(body);
            int end = out.lastIndexOf('\n');
            if (end < 0) {
                return List.of();
            }
            List<String> finals = new ArrayList<>();
            for (String l : out.substring(0, end).split("\n")) {
                String line = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
                if (FINAL_LINE.matcher(line).matches()) {
                    finals.add(line);
                }
            }
            return finals;
        }

        /** Ends the input (imtest then sends QUIT) and returns its exit code. */
        int finish() throws InterruptedException, IOException {
            stdin.close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("lmtptest did not end after its input did; output:\n" + output());
            }
            pump.join(5000); // the last output
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // gone already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
