package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RFC 4978 COMPRESS=DEFLATE against a real node: a scripted session (java.util.zip on the client side) and Angus
 * Mail with {@code mail.imap.compress.enable}. Through a frontend, ProxyMurder's fe1 compresses its backend
 * connections ({@code proxy_compress}), so the transparency suite and ImapProxyIT run over them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(120)
class ImapCompressIT {

    private static final String F = "INBOX." + MurderNode.RUN + "-z";

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    /** A line client whose streams can switch to raw DEFLATE after the server's OK. */
    private static final class Wire implements AutoCloseable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Wire() throws IOException {
            socket = new Socket(MurderNode.HOST, MurderNode.imapPort());
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            throw new IOException("EOF after " + b.toString(StandardCharsets.UTF_8));
        }

        /** Lines up to and including the one tagged {@code tag}. */
        List<String> until(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            String l;
            do {
                l = line();
                lines.add(l);
            } while (!l.startsWith(tag + " "));
            return lines;
        }

        byte[] bytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        /** STARTTLS on the same socket (the node refuses passwords in the clear): compression then runs inside TLS. */
        void startTls() throws IOException {
            send("t0 STARTTLS\r\n");
            String ok = line();
            if (!ok.startsWith("t0 OK")) {
                throw new IOException("STARTTLS: " + ok);
            }
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) MurderNode.trustAll()
                    .createSocket(socket, MurderNode.HOST, MurderNode.imapPort(), true);
            tls.setSoTimeout(20_000);
            tls.startHandshake();
            socket = tls;
            in = tls.getInputStream();
            out = tls.getOutputStream();
        }

        /** Reads are unbuffered byte by byte before this, so nothing after the OK has been taken from the socket. */
        void compress() {
            in = new InflaterInputStream(in, new Inflater(true));
            out = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    @Test
    void aCompressedSessionLoginSelectAppendFetchAndTheRefusals() throws Exception {
        try (Wire w = new Wire()) {
            String greeting = w.line();
            assertTrue(greeting.contains("COMPRESS=DEFLATE"), greeting);
            w.send("z0 COMPRESS DEFLATE\r\n");
            assertEquals("z0 BAD Please login first", w.line(), "RFC 4978: only once authenticated");
            w.startTls();
            w.send("a1 LOGIN " + MurderNode.USER + " " + MurderNode.USER_PASSWORD + "\r\n");
            assertTrue(last(w.until("a1")).startsWith("a1 OK"));
            w.send("z1 COMPRESS LZ4\r\n");
            assertTrue(w.line().startsWith("z1 BAD "), "another mechanism is BAD");
            w.send("z2 COMPRESS DEFLATE\r\n");
            assertEquals("z2 OK DEFLATE active", w.line());
            w.compress();

            w.send("c1 CAPABILITY\r\n");
            List<String> caps = w.until("c1");
            assertTrue(caps.get(0).startsWith("* CAPABILITY ") && !caps.get(0).contains("COMPRESS=DEFLATE"),
                    "not offered once on: " + caps.get(0));
            w.send("z3 COMPRESS DEFLATE\r\n");
            assertEquals("z3 NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS", w.line());

            w.send("m1 CREATE " + F + "\r\n");
            assertEquals("m1 OK", last(w.until("m1")).substring(0, 5));
            // a message with a long repetitive body: what compresses well must still arrive byte for byte
            String body = "compressed line of text\r\n".repeat(4000);
            String message = "From: z@example.org\r\nSubject: zipped " + MurderNode.RUN + "\r\n\r\n" + body;
            byte[] raw = message.getBytes(StandardCharsets.US_ASCII);
            w.send("p1 APPEND " + F + " {" + raw.length + "+}\r\n" + message + "\r\n");
            assertTrue(last(w.until("p1")).startsWith("p1 OK [APPENDUID "));
            w.send("s1 SELECT " + F + "\r\n");
            assertTrue(last(w.until("s1")).startsWith("s1 OK [READ-WRITE]"));
            w.send("f1 FETCH 1 (BODY.PEEK[])\r\n");
            String head = w.line();
            assertEquals("* 1 FETCH (BODY[] {" + raw.length + "}", head);
            assertEquals(message, new String(w.bytes(raw.length), StandardCharsets.US_ASCII));
            assertEquals(")", w.line());
            assertTrue(w.line().startsWith("f1 OK"));
            w.send("x1 FETCH 1 (FLAGS\r\n");
            assertTrue(w.line().startsWith("x1 BAD"), "bad syntax still BAD, the compressed session goes on");
            w.send("d1 DELETE " + F + "\r\n");
            w.until("d1");
            w.send("l1 LOGOUT\r\n");
            List<String> bye = w.until("l1");
            assertTrue(bye.get(0).startsWith("* BYE"));
        }
    }

    /** Angus Mail's own COMPRESS (mail.imap.compress.enable): a folder opened, a message appended and read back. */
    @Test
    void angusMailWithCompressionOn() throws Exception {
        Properties p = MurderNode.mailProperties();
        p.put("mail.imap.compress.enable", "true");
        Session session = Session.getInstance(p);
        IMAPStore store = (IMAPStore) session.getStore("imap");
        store.connect(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER, MurderNode.USER_PASSWORD);
        try {
            assertTrue(store.hasCapability("COMPRESS=DEFLATE"));
            IMAPFolder folder = (IMAPFolder) store.getFolder(F + "a");
            assertTrue(folder.create(Folder.HOLDS_MESSAGES));
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("z@example.org"));
            m.setSubject("angus zipped " + MurderNode.RUN);
            m.setText("hello through DEFLATE\n".repeat(500));
            folder.appendMessages(new Message[] {m});
            folder.open(Folder.READ_ONLY);
            assertEquals(1, folder.getMessageCount());
            Message back = folder.getMessage(1);
            assertEquals("angus zipped " + MurderNode.RUN, back.getSubject());
            assertEquals("hello through DEFLATE\n".repeat(500), String.valueOf(back.getContent()).replace("\r\n", "\n"));
            folder.close(false);
            assertTrue(folder.delete(false));
        } finally {
            store.close();
        }
    }
}
