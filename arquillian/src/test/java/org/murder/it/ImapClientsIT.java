package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.murder.it.ImapWire.assertStatus;
import static org.murder.it.ImapWire.last;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.mail.BodyPart;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.event.MessageCountListener;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.SentDateTerm;
import jakarta.mail.search.SizeTerm;
import jakarta.mail.search.SubjectTerm;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.SortTerm;
import org.eclipse.angus.mail.util.CRLFOutputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.murder.it.cyrus.CyrusInstance;
import org.murder.it.cyrus.MupdateTest;

/**
 * The IMAP backend with real clients nobody here wrote: Jakarta Mail (Eclipse Angus), Python's imaplib, Debian
 * Cyrus's {@code imtest}, and a raw TLS socket for what no client sends. The node has TLS material, so every
 * client negotiates STARTTLS before it may log in (LOGINDISABLED, as Cyrus with {@code allowplaintext: no}).
 *
 * <p>Alice's INBOX is shared with other test classes (and LMTP deliveries), so assertions in it are about
 * this run's own messages, found by their unique subjects; everything else happens in folders of this run.</p>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(180)
class ImapClientsIT {

    /** Folder names of this run, under alice's INBOX (Cyrus's default namespace, separator '.'). */
    private static final String F = "INBOX." + MurderNode.RUN + "-";
    private static final Duration PYTHON_BOUND = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    // ------------------------------------------------------------------ Jakarta Mail (Eclipse Angus)

    private static Session mailSession() {
        return Session.getInstance(MurderNode.mailProperties());
    }

    private static IMAPStore connect(String user, String password) throws MessagingException {
        IMAPStore store = (IMAPStore) mailSession().getStore("imap");
        store.connect(MurderNode.HOST, MurderNode.imapPort(), user, password);
        return store;
    }

    private static IMAPStore alice() throws MessagingException {
        return connect(MurderNode.USER, MurderNode.USER_PASSWORD);
    }

    private static MimeMessage textMessage(String subject, String text) throws MessagingException {
        MimeMessage m = new MimeMessage(mailSession());
        m.setFrom(new InternetAddress("bob@example.org", false));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("alice@example.org, carol@example.net"));
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(Instant.parse("2024-02-29T12:34:56Z")));
        m.setText(text, "UTF-8");
        m.saveChanges();
        return m;
    }

    /** The bytes Angus sends for an APPEND: the message as written, CRLF-canonical. */
    private static byte[] wire(MimeMessage m) throws IOException, MessagingException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream crlf = new CRLFOutputStream(b)) {
            m.writeTo(crlf);
        }
        return b.toByteArray();
    }

    private static byte[] raw(Message m) throws IOException, MessagingException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        m.writeTo(b);
        return b.toByteArray();
    }

    /** What the folder's message count listener hears, in order. */
    private static BlockingQueue<MessageCountEvent> countEvents(IMAPFolder folder) {
        BlockingQueue<MessageCountEvent> events = new LinkedBlockingQueue<>();
        folder.addMessageCountListener(new MessageCountListener() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                events.add(e);
            }

            @Override
            public void messagesRemoved(MessageCountEvent e) {
                events.add(e);
            }
        });
        return events;
    }

    private static IMAPFolder freshFolder(Store store, String suffix) throws MessagingException {
        IMAPFolder f = (IMAPFolder) store.getFolder(F + suffix);
        assertFalse(f.exists(), f.getFullName() + " is new in this run");
        assertTrue(f.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS), "CREATE " + f.getFullName());
        assertTrue(f.exists());
        return f;
    }

    private static AppendUID append(IMAPFolder f, Message... messages) throws MessagingException {
        AppendUID[] uids = f.appendUIDMessages(messages);
        assertEquals(messages.length, uids.length);
        for (AppendUID u : uids) {
            assertNotNull(u, "APPENDUID for every message (UIDPLUS)");
        }
        return uids[uids.length - 1];
    }

    private static List<String> subjects(Message[] messages) throws MessagingException {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            out.add(m.getSubject());
        }
        return out;
    }

    @Test
    void angusAppendsAndReadsBackTextAndMultipartWithAttachment() throws Exception {
        String textSubject = MurderNode.RUN + " angus text Grüße";
        String text = "Hello from Jakarta Mail.\r\nZweite Zeile mit Umlauten: äöü ß\r\n";
        MimeMessage plain = textMessage(textSubject, text);

        String multiSubject = MurderNode.RUN + " angus multipart";
        byte[] attachment = new byte[5000];
        new Random(42).nextBytes(attachment);
        MimeMessage multi = new MimeMessage(mailSession());
        multi.setFrom(new InternetAddress("bob@example.org", false));
        multi.setRecipients(Message.RecipientType.TO, "alice@example.org");
        multi.setSubject(multiSubject);
        multi.setSentDate(Date.from(Instant.parse("2024-03-01T08:00:00Z")));
        MimeBodyPart body = new MimeBodyPart();
        body.setText("See the attachment.\r\n", "US-ASCII");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("data.bin");
        file.setDisposition(Part.ATTACHMENT);
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(file);
        multi.setContent(mixed);
        multi.saveChanges();
        multi.setFlags(new Flags(Flags.Flag.FLAGGED), true); // APPEND ... (\Flagged)
        multi.setFlags(new Flags("$Attached"), true);

        byte[] plainWire = wire(plain);
        byte[] multiWire = wire(multi);
        try (IMAPStore store = alice()) {
            assertTrue(store.hasCapability("IMAP4rev1"));
            assertTrue(store.hasCapability("UIDPLUS"));
            assertFalse(store.hasCapability("LOGINDISABLED"), "after STARTTLS and login");
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertEquals(Folder.READ_WRITE, inbox.getMode());
            int count = inbox.getMessageCount();
            AppendUID[] uids = inbox.appendUIDMessages(new Message[] {plain, multi});
            assertEquals(inbox.getUIDValidity(), uids[0].uidvalidity);
            assertEquals(inbox.getUIDValidity(), uids[1].uidvalidity);
            assertTrue(uids[1].uid > uids[0].uid, "UIDs ascend: " + uids[0].uid + ", " + uids[1].uid);
            assertEquals(count + 2, inbox.getMessageCount(), "the APPEND responses announce the new messages");

            Message p = inbox.getMessageByUID(uids[0].uid);
            assertEquals(textSubject, p.getSubject());
            assertEquals(List.of(new InternetAddress("bob@example.org")), Arrays.asList(p.getFrom()));
            assertEquals(List.of(new InternetAddress("alice@example.org"), new InternetAddress("carol@example.net")),
                    Arrays.asList(p.getRecipients(Message.RecipientType.TO)));
            assertEquals(Instant.parse("2024-02-29T12:34:56Z"), p.getSentDate().toInstant());
            assertEquals(Instant.parse("2024-02-29T12:34:56Z"), p.getReceivedDate().toInstant(),
                    "Angus APPENDs with the sent date as date-time (the message has no received date): the INTERNALDATE");
            assertEquals(plainWire.length, p.getSize(), "RFC822.SIZE is the size of what was appended");
            assertEquals(plain.getMessageID(), p.getHeader("Message-ID")[0]);
            assertTrue(p.isMimeType("text/plain"));
            assertEquals(text, p.getContent());
            assertArrayEquals(plainWire, raw(p), "BODY[] is byte for byte what was appended");

            Message m = inbox.getMessageByUID(uids[1].uid);
            assertEquals(multiSubject, m.getSubject());
            Flags appendedWith = m.getFlags();
            assertTrue(appendedWith.contains(Flags.Flag.FLAGGED) && appendedWith.contains("$Attached"), appendedWith.toString());
            assertFalse(appendedWith.contains(Flags.Flag.SEEN), "not read yet");
            assertTrue(p.getFlags().getUserFlags().length == 0 && !p.isSet(Flags.Flag.FLAGGED), "appended without flags");
            assertTrue(m.isMimeType("multipart/mixed"), m.getContentType());
            Multipart parts = assertInstanceOf(Multipart.class, m.getContent());
            assertEquals(2, parts.getCount());
            BodyPart first = parts.getBodyPart(0);
            assertTrue(first.isMimeType("text/plain"), first.getContentType());
            assertEquals("See the attachment.\r\n", first.getContent());
            BodyPart second = parts.getBodyPart(1);
            assertEquals("data.bin", second.getFileName());
            String[] disposition = second.getHeader("Content-Disposition"); // BODY.PEEK[2.MIME]
            assertNotNull(disposition);
            assertTrue(disposition[0].startsWith("attachment") && disposition[0].contains("data.bin"), disposition[0]);
            assertEquals("base64", second.getHeader("Content-Transfer-Encoding")[0]);
            assertTrue(Part.ATTACHMENT.equalsIgnoreCase(second.getDisposition()), second.getDisposition()); // a case-insensitive token
            assertTrue(second.isMimeType("application/octet-stream"), second.getContentType());
            try (InputStream in = second.getInputStream()) {
                assertArrayEquals(attachment, in.readAllBytes(), "the attachment decodes to the bytes attached");
            }
            assertArrayEquals(multiWire, raw(m));
            assertEquals(multiWire.length, m.getSize());

            // reading the body (BODY[...] without PEEK) set \Seen, and a fresh session sees that
            assertTrue(p.isSet(Flags.Flag.SEEN));
            inbox.close(false);
        }
        try (IMAPStore again = alice()) {
            IMAPFolder inbox = (IMAPFolder) again.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] found = inbox.search(new SubjectTerm(MurderNode.RUN + " angus"));
            assertEquals(Set.of(textSubject, multiSubject), Set.copyOf(subjects(found)));
            for (Message f : found) {
                assertTrue(f.isSet(Flags.Flag.SEEN), f.getSubject() + " was read");
            }
            inbox.close(false);
        }
    }

    @Test
    void angusSetsFlagsCreatesFoldersCopiesMovesAndExpunges() throws Exception {
        String tag = MurderNode.RUN + " flags ";
        try (IMAPStore store = alice()) {
            IMAPFolder target = freshFolder(store, "target");
            IMAPFolder child = (IMAPFolder) target.getFolder("child");
            assertEquals(F + "target.child", child.getFullName());
            assertTrue(child.create(Folder.HOLDS_MESSAGES));
            assertEquals('.', target.getSeparator());

            // the folder list: LIST "" "*" and LIST "" "INBOX.<run>-%"
            Set<String> all = Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).collect(Collectors.toSet());
            assertTrue(all.containsAll(Set.of("INBOX", F + "target", F + "target.child")), all.toString());
            Set<String> mine = Arrays.stream(store.getFolder("INBOX").list(MurderNode.RUN + "-targ%")).map(Folder::getFullName)
                    .collect(Collectors.toSet());
            assertEquals(Set.of(F + "target"), mine, "% does not descend");
            Set<String> below = Arrays.stream(target.list()).map(Folder::getFullName).collect(Collectors.toSet());
            assertEquals(Set.of(F + "target.child"), below);

            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            AppendUID[] uids = inbox.appendUIDMessages(new Message[] {
                    textMessage(tag + "one", "one\r\n"), textMessage(tag + "two", "two\r\n"), textMessage(tag + "three", "three\r\n")});
            Message one = inbox.getMessageByUID(uids[0].uid);
            Message two = inbox.getMessageByUID(uids[1].uid);
            Message three = inbox.getMessageByUID(uids[2].uid);

            // flags: system flags and a keyword, set and cleared
            one.setFlag(Flags.Flag.FLAGGED, true);
            one.setFlags(new Flags("$Murder"), true);
            two.setFlag(Flags.Flag.ANSWERED, true);
            two.setFlag(Flags.Flag.SEEN, true);
            two.setFlag(Flags.Flag.SEEN, false);
            assertTrue(one.isSet(Flags.Flag.FLAGGED));
            assertTrue(one.getFlags().contains("$Murder"));
            try (IMAPStore other = alice()) {
                IMAPFolder view = (IMAPFolder) other.getFolder("INBOX");
                view.open(Folder.READ_ONLY);
                Flags f1 = view.getMessageByUID(uids[0].uid).getFlags();
                assertTrue(f1.contains(Flags.Flag.FLAGGED) && f1.contains("$Murder"), "stored flags: " + Arrays.toString(f1.getSystemFlags()));
                assertFalse(f1.contains(Flags.Flag.SEEN));
                Flags f2 = view.getMessageByUID(uids[1].uid).getFlags();
                assertTrue(f2.contains(Flags.Flag.ANSWERED));
                assertFalse(f2.contains(Flags.Flag.SEEN), "\\Seen was cleared again");
                assertFalse(f2.contains(Flags.Flag.FLAGGED));
                view.close(false);
            }

            // COPY keeps the original and its flags; COPYUID maps source to target UIDs
            AppendUID[] copied = inbox.copyUIDMessages(new Message[] {one}, target);
            assertEquals(1, copied.length);
            assertEquals(target.getUIDValidity(), copied[0].uidvalidity);
            assertFalse(one.isExpunged());

            // MOVE (RFC 6851): gone from the INBOX at once, present in the target
            int before = inbox.getMessageCount();
            AppendUID[] moved = inbox.moveUIDMessages(new Message[] {two}, target);
            assertEquals(1, moved.length);
            assertTrue(moved[0].uid > copied[0].uid);
            assertTrue(two.isExpunged(), "MOVE expunges the source message");
            // (Jakarta Mail keeps its own count until the application expunges: ask the server, STATUS on a closed Folder)
            assertEquals(before - 1, store.getFolder("INBOX").getMessageCount());

            // \Deleted then EXPUNGE (UID EXPUNGE: other tests' messages in the shared INBOX are not ours to expunge)
            three.setFlag(Flags.Flag.DELETED, true);
            Message[] expunged = inbox.expunge(new Message[] {three});
            assertEquals(1, expunged.length);
            assertSame(three, expunged[0]);
            assertTrue(three.isExpunged());
            assertNull(inbox.getMessageByUID(uids[2].uid));
            assertEquals(tag + "one", inbox.getMessageByUID(uids[0].uid).getSubject());
            inbox.close(false);

            target.open(Folder.READ_WRITE);
            assertEquals(2, target.getMessageCount());
            Message c = target.getMessageByUID(copied[0].uid);
            Message mv = target.getMessageByUID(moved[0].uid);
            assertEquals(tag + "one", c.getSubject());
            assertEquals("one\r\n", c.getContent());
            assertTrue(c.isSet(Flags.Flag.FLAGGED) && c.getFlags().contains("$Murder"), "COPY keeps the flags");
            assertEquals(tag + "two", mv.getSubject());
            assertTrue(mv.isSet(Flags.Flag.ANSWERED), "MOVE keeps the flags");
            target.close(false);

            // the INBOX as a fresh session sees it: one stays, two moved out, three expunged
            try (IMAPStore other = alice()) {
                IMAPFolder view = (IMAPFolder) other.getFolder("INBOX");
                view.open(Folder.READ_ONLY);
                assertEquals(List.of(tag + "one"), subjects(view.search(new SubjectTerm(tag))));
                assertNull(view.getMessageByUID(uids[1].uid), "moved away");
                assertNull(view.getMessageByUID(uids[2].uid), "expunged");
                assertEquals(tag + "one", view.getMessageByUID(uids[0].uid).getSubject());
                view.close(false);
            }

            // DELETE, children first (Jakarta Mail's recursive delete)
            assertTrue(target.delete(true));
            assertFalse(target.exists());
            assertFalse(child.exists());
            Set<String> after = Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName).collect(Collectors.toSet());
            assertFalse(after.contains(F + "target"), after.toString());
            assertFalse(after.contains(F + "target.child"), after.toString());
        }
    }

    @Test
    void angusUidsUidValidityAndSearch() throws Exception {
        String tag = MurderNode.RUN + " search ";
        try (IMAPStore store = alice()) {
            IMAPFolder f = freshFolder(store, "uids");
            long validity = f.getUIDValidity(); // STATUS on a closed folder
            assertTrue(validity > 0);
            assertEquals(1, f.getUIDNext(), "an empty mailbox starts at UID 1");

            MimeMessage fromCarol = textMessage(tag + "needle alpha", "alpha\r\n");
            fromCarol.setFrom(new InternetAddress("carol@example.net"));
            fromCarol.saveChanges();
            AppendUID[] uids = f.appendUIDMessages(new Message[] {
                    fromCarol,
                    textMessage(tag + "haystack beta", "beta\r\n"),
                    textMessage(tag + "needle gamma Überraschung", "gamma\r\n")});
            for (AppendUID u : uids) {
                assertEquals(validity, u.uidvalidity);
            }
            assertEquals(List.of(1L, 2L, 3L), Arrays.stream(uids).map(u -> u.uid).toList());
            assertEquals(4, f.getUIDNext());
            assertEquals(3, f.getMessageCount());
            assertEquals(3, f.getUnreadMessageCount(), "STATUS UNSEEN");

            f.open(Folder.READ_WRITE);
            assertEquals(validity, f.getUIDValidity());
            assertEquals(4, f.getUIDNext());
            Message beta = f.getMessageByUID(2);
            assertEquals(tag + "haystack beta", beta.getSubject());
            assertEquals(2, f.getUID(beta));
            assertEquals(2, beta.getMessageNumber());
            Message[] byUid = f.getMessagesByUID(new long[] {3, 1});
            assertEquals(List.of(tag + "needle gamma Überraschung", tag + "needle alpha"), subjects(byUid));
            assertEquals(List.of(tag + "needle alpha", tag + "haystack beta"), subjects(f.getMessagesByUID(1, 2)));
            assertNull(f.getMessageByUID(99), "no such UID");
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(FetchProfile.Item.FLAGS);
            Message[] all = f.getMessages();
            f.fetch(all, fp);
            assertEquals(List.of(1L, 2L, 3L), Arrays.stream(all).map(m -> uidOf(f, m)).toList());

            assertEquals(List.of(tag + "needle alpha", tag + "needle gamma Überraschung"),
                    subjects(f.search(new SubjectTerm("NEEDLE"))), "SUBJECT is a case-insensitive substring");
            assertEquals(List.of(tag + "needle gamma Überraschung"), subjects(f.search(new SubjectTerm("überraschung"))),
                    "SEARCH CHARSET UTF-8 against an RFC 2047 encoded subject");
            assertEquals(List.of(tag + "needle alpha"), subjects(f.search(new FromStringTerm("carol@example.net"))));
            assertEquals(List.of(tag + "needle alpha", tag + "haystack beta"), subjects(f.search(
                    new OrTerm(new FromStringTerm("carol"), new SubjectTerm("haystack")))));

            // nothing was read yet: SEARCH and the envelope do not set \Seen
            assertEquals(3, f.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false)).length);
            beta.setFlag(Flags.Flag.SEEN, true);
            f.getMessageByUID(3).setFlag(Flags.Flag.FLAGGED, true);
            assertEquals(List.of(tag + "haystack beta"), subjects(f.search(new FlagTerm(new Flags(Flags.Flag.SEEN), true))));
            assertEquals(List.of(tag + "needle alpha", tag + "needle gamma Überraschung"),
                    subjects(f.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))));
            assertEquals(List.of(tag + "needle gamma Überraschung"), subjects(f.search(new AndTerm(
                    new SubjectTerm("needle"), new FlagTerm(new Flags(Flags.Flag.FLAGGED), true)))));
            assertEquals(0, f.search(new SubjectTerm("no such subject anywhere")).length);
            assertEquals(List.of(tag + "haystack beta"), subjects(f.search(new NotTerm(new SubjectTerm("needle")))));
            int smaller = Math.max(f.getMessageByUID(1).getSize(), f.getMessageByUID(2).getSize());
            assertTrue(f.getMessageByUID(3).getSize() > smaller, "the encoded subject makes gamma the largest");
            assertEquals(List.of(tag + "needle gamma Überraschung"), subjects(f.search(new SizeTerm(ComparisonTerm.GT, smaller))),
                    "LARGER");
            assertEquals(2, f.search(new SizeTerm(ComparisonTerm.LT, smaller + 1)).length, "SMALLER");
            Date leapDay = Date.from(Instant.parse("2024-02-29T12:00:00Z"));
            assertEquals(3, f.search(new SentDateTerm(ComparisonTerm.EQ, leapDay)).length, "SENTON the Date header's day");
            assertEquals(3, f.search(new ReceivedDateTerm(ComparisonTerm.EQ, leapDay)).length, "ON the INTERNALDATE's day");
            assertEquals(0, f.search(new ReceivedDateTerm(ComparisonTerm.GT, leapDay)).length, "SINCE the next day");
            f.close(false);

            // UIDVALIDITY and the UIDs are stable across sessions
            try (IMAPStore other = alice()) {
                IMAPFolder again = (IMAPFolder) other.getFolder(f.getFullName());
                again.open(Folder.READ_ONLY);
                assertEquals(validity, again.getUIDValidity());
                assertEquals(tag + "needle gamma Überraschung", again.getMessageByUID(3).getSubject());
                again.close(false);
            }
        }
    }

    private static long uidOf(UIDFolder f, Message m) {
        try {
            return f.getUID(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message Angus APPENDs with this INTERNALDATE (Angus sends getReceivedDate() as the APPEND's date). */
    private static MimeMessage arrivedAt(String subject, String from, String sent, String arrived)
            throws MessagingException {
        Date arrival = Date.from(Instant.parse(arrived));
        MimeMessage m = new MimeMessage(mailSession()) {
            @Override
            public Date getReceivedDate() {
                return arrival;
            }
        };
        m.setFrom(new InternetAddress(from, false));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse("alice@example.org"));
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(Instant.parse(sent)));
        m.setText(subject + "\r\n", "UTF-8");
        m.saveChanges();
        return m;
    }

    /**
     * Angus's SORT (IMAPFolder.getSortedMessages, RFC 5256): each criterion gives the four messages a different
     * order, so an ignored or misread criterion shows. Angus has no THREAD call; imaplib covers that (ImapSortThreadIT).
     */
    @Test
    void angusSortsByArrivalDateSubjectFromAndReverse() throws Exception {
        try (IMAPStore store = alice()) {
            assertTrue(store.hasCapability("SORT"), "Angus only sorts where SORT is advertised");
            IMAPFolder f = freshFolder(store, "angus-sort");
            //          subject      From (mailbox sorts)             Date (sent)              INTERNALDATE
            f.appendMessages(new Message[] {
                    arrivedAt("Charlie", "Yvonne <yvonne@example.org>", "2026-12-07T10:00:00Z", "2026-12-07T12:00:00Z"),
                    arrivedAt("Re: alpha", "bob@example.org", "2026-12-07T08:00:00Z", "2026-12-07T11:00:00Z"),
                    arrivedAt("bravo", "Xavier <adam@example.org>", "2026-12-07T11:00:00Z", "2026-12-07T09:00:00Z"),
                    arrivedAt("Delta", "carl@example.org", "2026-12-07T07:00:00Z", "2026-12-07T10:00:00Z")});
            f.open(Folder.READ_ONLY);
            assertEquals(4, f.getMessageCount());
            assertEquals(List.of("bravo", "Delta", "Re: alpha", "Charlie"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.ARRIVAL})));
            assertEquals(List.of("Delta", "Re: alpha", "Charlie", "bravo"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.DATE})));
            // base subjects ("Re: " dropped), compared case-blind: alpha, bravo, Charlie, Delta
            assertEquals(List.of("Re: alpha", "bravo", "Charlie", "Delta"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.SUBJECT})));
            // the address's mailbox, not the display name: adam, bob, carl, yvonne
            assertEquals(List.of("bravo", "Re: alpha", "Delta", "Charlie"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.FROM})));
            assertEquals(List.of("bravo", "Charlie", "Re: alpha", "Delta"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.REVERSE, SortTerm.DATE})));
            assertEquals(List.of("Charlie", "Re: alpha", "Delta", "bravo"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.REVERSE, SortTerm.ARRIVAL})));
            assertEquals(List.of("Charlie", "Delta", "Re: alpha", "bravo"),
                    subjects(f.getSortedMessages(new SortTerm[] {SortTerm.REVERSE, SortTerm.FROM})));
            // with a search: SORT ... NOT SUBJECT delta
            assertEquals(List.of("Re: alpha", "Charlie", "bravo"), subjects(f.getSortedMessages(
                    new SortTerm[] {SortTerm.DATE}, new NotTerm(new SubjectTerm("delta")))));
            assertEquals(List.of(), subjects(f.getSortedMessages(
                    new SortTerm[] {SortTerm.DATE}, new SubjectTerm("nothing-like-this"))));
            f.close(false);
        }
    }

    @Test
    void angusSecondSessionSeesNewAndExpungedMessagesAfterNoop() throws Exception {
        String tag = MurderNode.RUN + " noop ";
        try (IMAPStore writer = alice(); IMAPStore reader = alice()) {
            IMAPFolder w = freshFolder(writer, "noop");
            w.open(Folder.READ_WRITE);
            IMAPFolder r = (IMAPFolder) reader.getFolder(w.getFullName());
            r.open(Folder.READ_WRITE);
            assertEquals(0, r.getMessageCount());
            BlockingQueue<MessageCountEvent> events = countEvents(r);

            AppendUID added = append(w, textMessage(tag + "first", "first\r\n"));
            r.doCommand(p -> {
                p.noop();
                return null;
            });
            MessageCountEvent e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "the NOOP answer carries * 1 EXISTS");
            assertEquals(MessageCountEvent.ADDED, e.getType());
            assertEquals(1, e.getMessages().length);
            assertEquals(1, r.getMessageCount());
            assertEquals(tag + "first", e.getMessages()[0].getSubject());
            assertEquals(added.uid, r.getUID(e.getMessages()[0]));

            // and an expunge by the writer reaches the reader at its next NOOP
            Message mine = w.getMessageByUID(added.uid);
            mine.setFlag(Flags.Flag.DELETED, true);
            assertEquals(1, w.expunge().length);
            r.doCommand(p -> {
                p.noop();
                return null;
            });
            MessageCountEvent gone = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(gone, "the NOOP answer carries * 1 EXPUNGE");
            assertEquals(MessageCountEvent.REMOVED, gone.getType());
            assertTrue(gone.getMessages()[0].isExpunged());
            assertSame(e.getMessages()[0], gone.getMessages()[0], "the message the reader had seen arrive");
            assertEquals(0, reader.getFolder(w.getFullName()).getMessageCount(), "STATUS MESSAGES");
            r.close(false);
            w.close(false);
        }
    }

    /**
     * Angus's IDLE (IMAPFolder.idle, RFC 2177): a folder idling in one store hears an APPEND made by another store
     * while it idles; idle(true) returns on that news and the listener gets the new message, whose UID is the
     * APPENDUID.
     */
    @Test
    void angusIdleHearsAnAppendByAnotherSession() throws Exception {
        String tag = MurderNode.RUN + " angus idle ";
        try (IMAPStore writer = alice(); IMAPStore idler = alice()) {
            assertTrue(idler.hasCapability("IDLE"), "Angus idles only where IDLE is advertised");
            IMAPFolder w = freshFolder(writer, "angus-idle");
            IMAPFolder r = (IMAPFolder) idler.getFolder(w.getFullName());
            r.open(Folder.READ_WRITE);
            assertEquals(0, r.getMessageCount());
            BlockingQueue<MessageCountEvent> events = countEvents(r);
            java.util.concurrent.CompletableFuture<Void> idling = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    r.idle(true); // back after the first news
                } catch (MessagingException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(1_000); // Angus sends IDLE from that thread; the APPEND should come while it idles
            AppendUID added = append(w, textMessage(tag + "news", "while you idled\r\n"));
            MessageCountEvent e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "the idling folder hears * 1 EXISTS");
            assertEquals(MessageCountEvent.ADDED, e.getType());
            idling.get(10, TimeUnit.SECONDS);
            assertEquals(1, r.getMessageCount());
            assertEquals(tag + "news", e.getMessages()[0].getSubject());
            assertEquals(added.uid, r.getUID(e.getMessages()[0]));
            r.close(false);
        }
    }

    @Test
    void angusUnicodeFolderNamesRoundTripAndSubscriptions() throws Exception {
        // Jakarta Mail sends folder names in modified UTF-7 (RFC 3501 5.1.3) and decodes what LIST returns
        String name = F + "Ünïcødé 日本 & more";
        try (IMAPStore store = alice()) {
            IMAPFolder f = (IMAPFolder) store.getFolder(name);
            assertFalse(f.exists());
            assertTrue(f.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS));
            assertTrue(f.exists());
            Set<String> listed = Arrays.stream(store.getFolder("INBOX").list(MurderNode.RUN + "-Ü*")).map(Folder::getFullName)
                    .collect(Collectors.toSet());
            assertEquals(Set.of(name), listed, "LIST answers with the same name, in modified UTF-7");
            AppendUID u = append(f, textMessage(MurderNode.RUN + " unicode folder", "x\r\n"));
            assertEquals(f.getUIDValidity(), u.uidvalidity);
            assertEquals(1, f.getMessageCount(), "STATUS on the encoded name");

            assertFalse(f.isSubscribed());
            f.setSubscribed(true);
            assertTrue(f.isSubscribed());
            Set<String> subscribed = Arrays.stream(store.getDefaultFolder().listSubscribed("*")).map(Folder::getFullName)
                    .collect(Collectors.toSet());
            assertTrue(subscribed.contains(name), "LSUB: " + subscribed);
            f.setSubscribed(false);
            assertFalse(f.isSubscribed());
            assertFalse(Arrays.stream(store.getDefaultFolder().listSubscribed("*")).map(Folder::getFullName)
                    .anyMatch(name::equals));

            f.open(Folder.READ_ONLY);
            assertEquals(MurderNode.RUN + " unicode folder", f.getMessageByUID(u.uid).getSubject());
            f.close(false);
            assertTrue(f.delete(false));
            assertFalse(store.getFolder(name).exists());
        }
    }

    @Test
    void angusReadsALargeAttachmentInPartialFetches() throws Exception {
        // Jakarta Mail reads big parts as BODY[n]<offset.16384> slices: ranges inside a base64 part, the last one short
        byte[] attachment = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).nextBytes(attachment);
        MimeMessage big = new MimeMessage(mailSession());
        big.setFrom(new InternetAddress("bob@example.org"));
        big.setSubject(MurderNode.RUN + " large");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("big one follows\r\n");
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
        file.setFileName("big.bin");
        big.setContent(new MimeMultipart(text, file));
        big.saveChanges();
        byte[] sent = wire(big);
        try (IMAPStore store = alice()) {
            IMAPFolder f = freshFolder(store, "large");
            AppendUID u = append(f, big);
            f.open(Folder.READ_ONLY);
            Message m = f.getMessageByUID(u.uid);
            assertEquals(sent.length, m.getSize());
            Multipart parts = (Multipart) m.getContent();
            assertEquals("big.bin", parts.getBodyPart(1).getFileName());
            try (InputStream in = parts.getBodyPart(1).getInputStream()) {
                assertArrayEquals(attachment, in.readAllBytes());
            }
            assertArrayEquals(sent, raw(m), "BODY[] in slices, reassembled");
            f.close(false);
        }
    }

    /**
     * RFC 3501 7.4.1: no EXPUNGE while answering FETCH, STORE or SEARCH. A session whose message another session
     * expunged keeps numbering it until a command that may tell it (NOOP); FETCH and SEARCH meanwhile still answer.
     */
    @Test
    void anotherSessionsExpungeIsToldOnlyWhereAllowedAndSearchStillAnswers() throws Exception {
        String box = F + "ghost";
        try (ImapWire a = ImapWire.loggedIn(); ImapWire b = ImapWire.loggedIn()) {
            assertStatus("OK", "a1", a.command("a1", "CREATE \"" + box + "\""));
            for (int i = 1; i <= 3; i++) {
                byte[] msg = ("Subject: ghost " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
                assertStatus("OK", "a2", a.command("a2", concat(("a2 APPEND \"" + box + "\" {" + msg.length + "+}\r\n")
                        .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII))));
            }
            assertTrue(a.command("a3", "SELECT \"" + box + "\"").contains("* 3 EXISTS"));
            assertTrue(b.command("b1", "SELECT \"" + box + "\"").contains("* 3 EXISTS"));
            assertStatus("OK", "b2", b.command("b2", "STORE 2 +FLAGS.SILENT (\\Deleted)"));
            assertExpungeOf(2, "b3", b.command("b3", "EXPUNGE"));

            List<String> fetched = a.command("a4", "FETCH 1:* (UID)");
            assertEquals(List.of("* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "a4 OK Completed"), fetched,
                    "no EXPUNGE during FETCH; message 2 keeps its number");
            List<String> searched = a.command("a5", "SEARCH SUBJECT ghost");
            assertStatus("OK", "a5", searched);
            assertEquals(2, searched.size(), "only the SEARCH response, no EXPUNGE: " + searched);
            Set<String> hits = Set.of(searched.get(0).replaceFirst("^\\* SEARCH ?", "").split(" "));
            assertTrue(hits.containsAll(Set.of("1", "3")) && Set.of("1", "2", "3").containsAll(hits),
                    "RFC 2180 4.1.3: the expunged message may or may not match: " + searched);
            List<String> body = a.command("a6", "SEARCH BODY \"body 3\"");
            assertEquals(List.of("* SEARCH 3", "a6 OK Completed"), body);

            assertExpungeOf(2, "a7", a.command("a7", "NOOP"));
            assertEquals(List.of("* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)", "a8 OK Completed"), a.command("a8", "FETCH 1:* (UID)"));
        }
    }

    /**
     * \Recent as Cyrus keeps it, per user: the first read-write session to see a message gets it as \Recent, no
     * other session of the user does; EXAMINE and STATUS look without taking.
     */
    @Test
    void recentGoesToExactlyOneSessionOfTheUser() throws Exception {
        String box = F + "recent";
        try (ImapWire a = ImapWire.loggedIn(); ImapWire b = ImapWire.loggedIn(); ImapWire d = ImapWire.loggedIn()) {
            assertStatus("OK", "d1", d.command("d1", "CREATE \"" + box + "\""));
            appendTo(d, box, "one");
            appendTo(d, box, "two");
            assertEquals("(MESSAGES 2 RECENT 2)", statusItems(d.command("d2", "STATUS \"" + box + "\" (MESSAGES RECENT)")));
            assertTrue(d.command("d3", "EXAMINE \"" + box + "\"").contains("* 2 RECENT"), "EXAMINE shows them");
            assertStatus("OK", "d4", d.command("d4", "CLOSE"));

            List<String> selA = a.command("a1", "SELECT \"" + box + "\"");
            assertTrue(selA.contains("* 2 EXISTS") && selA.contains("* 2 RECENT"), selA.toString());
            assertEquals(List.of("* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Recent))", "a2 OK Completed"),
                    a.command("a2", "FETCH 1:* (FLAGS)"));
            List<String> selB = b.command("b1", "SELECT \"" + box + "\"");
            assertTrue(selB.contains("* 2 EXISTS") && selB.contains("* 0 RECENT"), "A took them: " + selB);
            assertEquals(List.of("* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "b2 OK Completed"),
                    b.command("b2", "FETCH 1:* (FLAGS)"));
            assertEquals("(RECENT 0)", statusItems(d.command("d5", "STATUS \"" + box + "\" (RECENT)")));

            appendTo(d, box, "three");
            assertEquals("(RECENT 1)", statusItems(d.command("d6", "STATUS \"" + box + "\" (RECENT)")));
            List<String> noopB = b.command("b3", "NOOP");
            assertTrue(noopB.contains("* 3 EXISTS") && noopB.contains("* 1 RECENT"), "B sees the new one first: " + noopB);
            List<String> noopA = a.command("a3", "NOOP");
            assertTrue(noopA.contains("* 3 EXISTS") && noopA.contains("* 2 RECENT"), "A keeps its two: " + noopA);
            assertEquals(List.of("* SEARCH 1 2", "a4 OK Completed"), a.command("a4", "SEARCH RECENT"));
            assertEquals(List.of("* SEARCH 3", "b4 OK Completed"), b.command("b4", "SEARCH NEW"));
            assertEquals(List.of("* SEARCH 1 2", "b5 OK Completed"), b.command("b5", "SEARCH OLD"));
            // ESEARCH (RFC 4731): only what was asked, tagged with the command's tag
            assertEquals(List.of("* ESEARCH (TAG \"b7\") MIN 1 MAX 3 COUNT 3 ALL 1:3", "b7 OK Completed"),
                    b.command("b7", "SEARCH RETURN (MIN MAX COUNT ALL) ALL"));
            assertEquals(List.of("* ESEARCH (TAG \"b8\") UID COUNT 0", "b8 OK Completed"),
                    b.command("b8", "UID SEARCH RETURN (COUNT MIN) KEYWORD nothing-has-it"));
            assertStatus("OK", "a5", a.command("a5", "STORE 1 +FLAGS (\\Seen)"));
            assertEquals(List.of("* SEARCH 2", "a6 OK Completed"), a.command("a6", "SEARCH NEW"));
            List<String> fetchB = b.command("b6", "FETCH 3 (FLAGS)");
            assertTrue(fetchB.contains("* 3 FETCH (FLAGS (\\Recent))") && fetchB.contains("* 1 FETCH (UID 1 FLAGS (\\Seen))"),
                    "A's \\Seen reaches B without A's \\Recent: " + fetchB);
        }
    }

    /** A keyword reaches a client in FLAGS (and PERMANENTFLAGS) before any FETCH shows it (RFC 3501 7.2.6). */
    @Test
    void newKeywordsAreAnnouncedInFlagsBeforeAFetchShowsThem() throws Exception {
        String box = F + "keywords";
        try (ImapWire a = ImapWire.loggedIn(); ImapWire b = ImapWire.loggedIn()) {
            assertStatus("OK", "a1", a.command("a1", "CREATE \"" + box + "\""));
            appendTo(a, box, "one");
            List<String> sel = a.command("a2", "SELECT \"" + box + "\"");
            assertTrue(sel.contains("* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)"), sel.toString());
            assertTrue(b.command("b1", "SELECT \"" + box + "\"").contains("* 1 EXISTS"));

            List<String> store = a.command("a3", "STORE 1 +FLAGS ($Label1)");
            int flags = store.indexOf("* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $Label1)");
            int permanent = store.indexOf("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $Label1 \\*)] Ok");
            int fetch = store.indexOf("* 1 FETCH (FLAGS ($Label1 \\Recent))");
            assertTrue(flags >= 0 && permanent > flags && fetch > permanent, store.toString());
            List<String> bySeq = a.command("a5", "SEARCH MODSEQ 1 KEYWORD $Label1");
            // the first MODSEQ search turns CONDSTORE on: the mailbox's HIGHESTMODSEQ first (RFC 7162 3.1), then the answer
            assertTrue(bySeq.get(0).matches("\\* OK \\[HIGHESTMODSEQ [0-9]+\\] .*"), bySeq.toString());
            assertTrue(bySeq.get(1).matches("\\* SEARCH 1 \\(MODSEQ [0-9]+\\)"), "RFC 7162 3.1.5: " + bySeq);
            List<String> again = a.command("a4", "STORE 1 +FLAGS ($label1)");
            assertTrue(again.stream().noneMatch(l -> l.startsWith("* FLAGS")), "announced once, whatever its case: " + again);

            List<String> noop = b.command("b2", "NOOP");
            int bFlags = noop.indexOf("* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $Label1)");
            int bFetch = noop.indexOf("* 1 FETCH (UID 1 FLAGS ($Label1))");
            assertTrue(bFlags >= 0 && bFetch > bFlags, noop.toString());
            assertTrue(b.command("b3", "EXAMINE \"" + box + "\"")
                    .contains("* OK [PERMANENTFLAGS ()] Ok"), "read-only: nothing is permanent");
        }
    }

    /**
     * Twenty SCRAM logins in a row all succeed: each ends the realm's authentication as a success (Elytron's
     * brute-force protection had counted every SCRAM login as a failure, and locked the user out after ten).
     */
    @Test
    void manyScramLoginsInARowAllSucceed() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (java.net.Socket s = new java.net.Socket(MurderNode.HOST, MurderNode.imapPort())) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                java.io.OutputStream out = s.getOutputStream();
                in.readLine();
                org.murder.protocol.sasl.SaslClientExchange x = new org.murder.protocol.sasl.SaslClientExchange(
                        List.of("SCRAM-SHA-256"), MurderNode.USER, MurderNode.USER_PASSWORD.toCharArray(), "");
                out.write(("a AUTHENTICATE SCRAM-SHA-256 " + x.initialResponse().orElseThrow() + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null && line.startsWith("+")) {
                    var step = x.step(line.length() > 2 ? line.substring(2) : "");
                    String answer = step instanceof org.murder.protocol.sasl.SaslClientExchange.Respond r ? r.base64() : "*";
                    out.write((answer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                assertNotNull(line);
                assertTrue(line.startsWith("a OK"), "SCRAM login " + (i + 1) + ": " + line);
            }
        }
    }

    /** RFC 9208 4.3: APPEND and COPY past the quota root's limits are refused with NO [OVERQUOTA]; nothing is added. */
    @Test
    void appendAndCopyOverQuotaAreRefused() throws Exception {
        String box = MurderNode.RUN + "-quota"; // a shared mailbox, the admin's to make and limit
        try (ImapWire admin = ImapWire.loggedIn(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
             ImapWire a = ImapWire.loggedIn()) {
            assertStatus("OK", "q1", admin.command("q1", "CREATE \"" + box + "\""));
            assertStatus("OK", "q2", admin.command("q2", "SETACL \"" + box + "\" " + MurderNode.USER + " lrswite"));
            assertStatus("OK", "q3", admin.command("q3", "SETQUOTA \"" + box + "\" (STORAGE 1 MESSAGE 10)"));
            appendRaw(a, box, "Subject: fits\r\n\r\nsmall\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] big = ("Subject: too big\r\n\r\n" + "x".repeat(2048) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            List<String> refused = a.command("q4", concat(("q4 APPEND \"" + box + "\" {" + big.length + "+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), big, "\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals("q4 NO [OVERQUOTA] Over quota", refused.get(refused.size() - 1), refused::toString);
            appendRaw(a, "INBOX", big);
            a.command("q5", "SELECT INBOX");
            List<String> copy = a.command("q6", "COPY * \"" + box + "\"");
            assertEquals("q6 NO [OVERQUOTA] Over quota", copy.get(copy.size() - 1), copy::toString);
            List<String> status = a.command("q7", "STATUS \"" + box + "\" (MESSAGES)");
            assertTrue(status.stream().anyMatch(l -> l.contains("(MESSAGES 1)")), "only the one that fits: " + status);
        }
    }

    /** RFC 3501 6.3.4: "It is an error to attempt to delete INBOX"; Cyrus answers NO and keeps it. */
    @Test
    void inboxCannotBeDeleted() throws Exception {
        try (ImapWire a = ImapWire.loggedIn()) {
            assertEquals(List.of("d1 NO Operation is not supported on mailbox"), a.command("d1", "DELETE INBOX"));
            assertEquals(List.of("d2 NO Operation is not supported on mailbox"), a.command("d2", "DELETE inbox"));
            assertStatus("OK", "d3", a.command("d3", "SELECT INBOX"));
        }
    }

    /**
     * Eight sessions of one user hammer one mailbox for 15 s (src/test/resources/imap-stress.py): every answer is
     * OK or a tolerated NO [EXPUNGEISSUED], no connection drops, and two fresh sessions agree on messages and flags.
     */
    @Test
    void eightSessionsOnOneMailboxStayConsistent() throws Exception {
        Path script = Path.of("src/test/resources/imap-stress.py").toAbsolutePath();
        Peers.require(Files.isReadable(script), script.toString());
        PythonRun run = runPython(script, MurderNode.HOST, Integer.toString(MurderNode.imapPort()), MurderNode.USER,
                MurderNode.USER_PASSWORD, F + "stress", "15", "8", "starttls");
        assertEquals(0, run.exit(), run::toString);
        JsonObject r = run.json();
        assertEquals(0, r.getJsonArray("errors").size(), run::toString);
        assertTrue(r.getBoolean("uids_equal") && r.getBoolean("flags_equal"), run::toString);
        assertTrue(r.getJsonObject("counts").getInt("append:OK", 0) > 20, run::toString);
    }

    /** BINARY (RFC 3516): a part with its transfer encoding undone, as literal8; its size; binary APPEND. */
    @Test
    void binaryFetchDecodesBase64AndQuotedPrintableParts() throws Exception {
        String box = F + "binary";
        String msg = "Subject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "caf=C3=A9 =3D ok\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "QQBCAEM=\r\n"
                + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n"
                + "--b--\r\n";
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "b1", w.command("b1", "CREATE \"" + box + "\""));
            appendRaw(w, box, msg.getBytes(StandardCharsets.US_ASCII));
            assertStatus("OK", "b2", w.command("b2", "SELECT \"" + box + "\""));
            List<String> qp = w.command("b3", "FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])");
            // no NUL in it: a plain literal (RFC 3516 4.3, as Cyrus); a literal8 only where a NUL is
            assertEquals("* 1 FETCH (BINARY[1] {10}", qp.get(0), qp.toString());
            assertEquals("caf\u00c3\u00a9 = ok BINARY.SIZE[1] 10)", qp.get(1), "the UTF-8 bytes of \"café = ok\", read as Latin-1");
            List<String> b64 = w.command("b4", "FETCH 1 (BINARY.PEEK[2] BINARY.PEEK[2]<1.3>)");
            assertEquals("* 1 FETCH (BINARY[2] ~{5}", b64.get(0), b64.toString());
            assertEquals("A\u0000B\u0000C BINARY[2]<1> ~{3}", b64.get(1), b64.toString());
            assertEquals("\u0000B\u0000)", b64.get(2), b64.toString());
            assertTrue(w.command("b6", "FETCH 1 (BINARY.PEEK[3])").get(0).startsWith("b6 NO [UNKNOWN-CTE]"));
            // BODY[] is the whole file, served without the message's structure; with a partial, a slice of it
            List<String> whole = w.command("b8", "FETCH 1 (BODY.PEEK[]<0.9> BODY.PEEK[]<" + (msg.length() - 5) + ".100>)");
            assertEquals("* 1 FETCH (BODY[]<0> {9}", whole.get(0), whole.toString());
            assertEquals("Subject:  BODY[]<" + (msg.length() - 5) + "> {5}", whole.get(1), whole.toString());
            assertEquals("b--", whole.get(2), whole.toString());
            assertEquals(")", whole.get(3), whole.toString());
            assertEquals("* 1 FETCH (BODY[] {" + msg.length() + "}", w.command("b9", "FETCH 1 (BODY.PEEK[])").get(0));
            assertStatus("OK", "b7", w.command("b7", concat(("b7 APPEND \"" + box + "\" ~{14+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), "Subject: \r\n\r\n\u0000".getBytes(StandardCharsets.ISO_8859_1),
                    "\r\n".getBytes(StandardCharsets.US_ASCII))));
            // a NUL in a header cannot be encoded away, even in a literal8 (Cyrus: the same NO)
            assertStatus("NO", "b10", w.command("b10", concat(("b10 APPEND \"" + box + "\" ~{14+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), "Subject: \u0000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                    "\r\n".getBytes(StandardCharsets.US_ASCII))));
        }
    }

    /** Where the node writes literals past {@code imap_literal_spill} (temp_path's default under configdirectory). */
    private static Path literalSpill() {
        return Path.of(System.getProperty("murder.node.dir", "target/nodes/h2"), "data", "murder", "tmp", "imap-literals");
    }

    private static long spilledFiles() {
        try (java.util.stream.Stream<Path> files = Files.list(literalSpill())) {
            return files.filter(f -> f.getFileName().toString().startsWith("literal-")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** A message of about {@code size} bytes: headers, then printable lines. */
    private static byte[] bigMessage(String subject, int size, long seed) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size + 200);
        b.writeBytes(("From: bob@example.org\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Random r = new Random(seed);
        byte[] line = new byte[78];
        while (b.size() < size) {
            for (int i = 0; i < line.length; i++) {
                line[i] = (byte) ('!' + r.nextInt(94));
            }
            b.writeBytes(line);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /**
     * 20 MB APPENDs go to files as they arrive, not to the heap: with three clients each half way through its literal,
     * three files sit in the spill directory (mode 0600); once each APPEND is answered its file is gone; FETCH BODY[]
     * gives every message back byte for byte.
     */
    @Test
    void largeAppendsGoThroughFilesAndReadBackByteForByte() throws Exception {
        String box = F + "big";
        int clients = 3;
        List<ImapWire> wires = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                ImapWire w = ImapWire.loggedIn();
                wires.add(w);
                messages.add(bigMessage(MurderNode.RUN + " big " + i, 20 << 20, i));
            }
            assertStatus("OK", "c1", wires.get(0).command("c1", "CREATE \"" + box + "\""));
            long before = spilledFiles();
            for (int i = 0; i < clients; i++) {
                ImapWire w = wires.get(i);
                byte[] m = messages.get(i);
                w.send(("b" + i + " APPEND \"" + box + "\" {" + m.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals("+ go ahead", w.line());
                w.send(java.util.Arrays.copyOfRange(m, 0, m.length / 2));
            }
            assertTrue(MurderNode.await(Duration.ofSeconds(20), () -> spilledFiles() >= before + clients),
                    "a file per literal being received in " + literalSpill() + ": " + spilledFiles());
            try (java.util.stream.Stream<Path> files = Files.list(literalSpill())) {
                for (Path f : files.toList()) {
                    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(f)), f.toString());
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // a file answered meanwhile
            }
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(literalSpill())));
            for (int i = 0; i < clients; i++) {
                byte[] m = messages.get(i);
                wires.get(i).send(concat(java.util.Arrays.copyOfRange(m, m.length / 2, m.length),
                        "\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            for (int i = 0; i < clients; i++) {
                assertStatus("OK", "b" + i, wires.get(i).until("b" + i));
            }
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> spilledFiles() == 0),
                    "every literal's file is deleted once its APPEND is answered: " + spilledFiles());

            ImapWire w = wires.get(0);
            assertStatus("OK", "s1", w.command("s1", "EXAMINE \"" + box + "\""));
            // the APPENDs ran at once: the mailbox holds them in the order they committed, not the clients' order
            List<byte[]> unmatched = new ArrayList<>(messages);
            for (int i = 0; i < clients; i++) {
                w.send(("f" + i + " FETCH " + (i + 1) + " BODY.PEEK[]\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = w.line();
                assertTrue(head.startsWith("* " + (i + 1) + " FETCH (BODY[] {"), head);
                int size = Integer.parseInt(head.substring(head.lastIndexOf('{') + 1, head.length() - 1));
                byte[] body = w.in.readNBytes(size);
                assertTrue(unmatched.removeIf(m -> java.util.Arrays.equals(m, body)),
                        "message " + (i + 1) + " is one of those appended, byte for byte (" + size + " bytes)");
                assertStatus("OK", "f" + i, w.until("f" + i));
            }
            assertStatus("OK", "d1", w.command("d1", "DELETE \"" + box + "\""));
        } finally {
            for (ImapWire w : wires) {
                w.close();
            }
        }
    }

    /** A client that hangs up in the middle of a large literal leaves no file behind. */
    @Test
    void aLargeLiteralCutOffLeavesNoFile() throws Exception {
        try (ImapWire w = ImapWire.loggedIn()) {
            w.send(("z1 APPEND INBOX {" + (10 << 20) + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            w.send(new byte[1 << 20]);
            assertTrue(MurderNode.await(Duration.ofSeconds(20), () -> spilledFiles() >= 1), "the literal's file");
        }
        assertTrue(MurderNode.await(Duration.ofSeconds(20), () -> spilledFiles() == 0),
                "gone with the connection: " + spilledFiles());
    }

    private static void appendRaw(ImapWire w, String box, byte[] msg) throws IOException {
        assertStatus("OK", "ap", w.command("ap", concat(("ap APPEND \"" + box + "\" {" + msg.length + "+}\r\n")
                .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII))));
    }

    /** Mail delivered over LMTP reaches a session that has INBOX selected (at its NOOP) and one in IDLE at once. */
    @Test
    void mailDeliveredByLmtpReachesASelectedSessionAndAnIdlingOne() throws Exception {
        try (ImapWire a = ImapWire.loggedIn(); ImapWire idler = ImapWire.loggedIn()) {
            long before = a.command("a1", "SELECT INBOX").stream().filter(l -> l.matches("\\* \\d+ EXISTS")).findFirst()
                    .map(l -> Long.parseLong(l.split(" ")[1])).orElseThrow();
            assertStatus("OK", "i1", idler.command("i1", "SELECT INBOX"));
            idler.send("i2 IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+ idling", idler.line());
            try (org.murder.protocol.lmtp.LmtpClient lmtp = new org.murder.protocol.lmtp.LmtpClient(MurderNode.HOST,
                    MurderNode.lmtpPort(), Duration.ofSeconds(20))) {
                assertEquals(250, lmtp.lhlo("client.example.org").code());
                var d = lmtp.deliver(org.murder.protocol.lmtp.LmtpCommand.Mail.of(org.murder.protocol.lmtp.ReversePath.of(
                                org.murder.protocol.lmtp.Address.of("sender", "example.org"))),
                        List.of(org.murder.protocol.lmtp.LmtpCommand.Rcpt.of(org.murder.protocol.lmtp.ForwardPath.of(
                                org.murder.protocol.lmtp.Address.local(MurderNode.USER)))),
                        new java.io.ByteArrayInputStream("Subject: to the idler\r\n\r\nnew mail\r\n".getBytes(StandardCharsets.US_ASCII)));
                assertEquals(250, d.outcomes().get(0).code(), d::toString);
            }
            assertEquals("* " + (before + 1) + " EXISTS", idler.line(), "the idler hears it without asking");
            assertTrue(a.command("a2", "NOOP").contains("* " + (before + 1) + " EXISTS"), "the selected session at its NOOP");
            idler.send("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> done = idler.until("i2");
            assertTrue(done.get(done.size() - 1).startsWith("i2 OK"), done.toString());
        }
    }

    /**
     * RFC 4314 on a folder another user shares with alice: with {@code lrs} her STORE changes only her own \Seen
     * (\Deleted and keywords keep their values, as Cyrus ignores them), EXPUNGE and MOVE are refused; with
     * {@code lrswte} all of it works.
     */
    @Test
    void rightsLimitWhatStoreExpungeAndMoveMayDo() throws Exception {
        String shared = "user." + MurderNode.ADMIN + "." + MurderNode.RUN + "-shared";
        try (ImapWire owner = new ImapWire(); ImapWire a = ImapWire.loggedIn()) {
            owner.line();
            assertEquals("o1 OK Begin TLS negotiation now", last(owner.command("o1", "STARTTLS")));
            owner.startTls();
            assertStatus("OK", "o2", owner.command("o2", "LOGIN " + MurderNode.ADMIN + " " + MurderNode.ADMIN_PASSWORD));
            assertStatus("OK", "o3", owner.command("o3", "CREATE INBOX." + MurderNode.RUN + "-shared"));
            appendTo(owner, "INBOX." + MurderNode.RUN + "-shared", "shared one");
            assertStatus("OK", "o4", owner.command("o4", "SETACL INBOX." + MurderNode.RUN + "-shared " + MurderNode.USER + " lrs"));

            assertStatus("OK", "a1", a.command("a1", "SELECT " + shared));
            List<String> store = a.command("a2", "STORE 1 +FLAGS (\\Deleted \\Seen $Label1)");
            assertTrue(store.contains("* 1 FETCH (FLAGS (\\Seen \\Recent))"), "only her \\Seen changed: " + store);
            assertEquals(List.of("a3 NO Permission denied"), a.command("a3", "EXPUNGE"));
            assertEquals(List.of("a4 NO Permission denied"), a.command("a4", "MOVE 1 INBOX"));
            assertStatus("OK", "o5", owner.command("o5", "SELECT INBOX." + MurderNode.RUN + "-shared"));
            assertTrue(owner.command("o6", "FETCH 1 (FLAGS)").contains("* 1 FETCH (FLAGS (\\Recent))"),
                    "the owner's flags are untouched");

            assertStatus("OK", "o7", owner.command("o7", "SETACL INBOX." + MurderNode.RUN + "-shared " + MurderNode.USER + " lrswte"));
            assertStatus("OK", "a5", a.command("a5", "SELECT " + shared));
            assertTrue(a.command("a6", "STORE 1 +FLAGS ($Label1 \\Deleted)").stream()
                    .anyMatch(l -> l.startsWith("* 1 FETCH (FLAGS (") && l.contains("\\Deleted") && l.contains("$Label1")));
            assertTrue(a.command("a7", "EXPUNGE").contains("* 1 EXPUNGE"));
        }
    }

    /** The parenthesised items of the one STATUS response among the lines. */
    private static String statusItems(List<String> lines) {
        String line = lines.stream().filter(l -> l.startsWith("* STATUS ")).findFirst()
                .orElseThrow(() -> new AssertionError("no STATUS response: " + lines));
        return line.substring(line.lastIndexOf(" (") + 1);
    }

    private static void appendTo(ImapWire w, String box, String subject) throws IOException {
        appendRaw(w, box, ("Subject: " + subject + "\r\n\r\n" + subject + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ Python imaplib

    private record PythonRun(int exit, String stdout, String stderr) {
        JsonObject json() {
            String last = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no JSON result from python:\n" + this));
            try (JsonReader r = Json.createReader(new StringReader(last))) {
                return r.readObject();
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static Path python() {
        Path p = Path.of("/usr/bin/python3");
        Peers.require(Files.isExecutable(p), "python3 is not installed");
        return p;
    }

    private static Path script(String name, String text) throws IOException {
        Path f = Files.createTempFile("murder-" + name, ".py");
        Files.writeString(f, text);
        f.toFile().deleteOnExit();
        return f;
    }

    private static String pump(InputStream in, List<String> lines, BlockingQueue<String> queue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                lines.add(l);
                if (queue != null) {
                    queue.add(l);
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
        return String.join("\n", lines);
    }

    private static PythonRun runPython(Path script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python().toString(), script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        Thread o = new Thread(() -> pump(p.getInputStream(), out, null));
        Thread e = new Thread(() -> pump(p.getErrorStream(), err, null));
        o.start();
        e.start();
        if (!p.waitFor(PYTHON_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            o.join(2000);
            fail("python did not finish within " + PYTHON_BOUND + ":\n" + String.join("\n", out) + "\n" + String.join("\n", err));
        }
        o.join(5000);
        e.join(5000);
        return new PythonRun(p.exitValue(), String.join("\n", out), String.join("\n", err));
    }

    private static final String PY_COMMON = """
            import imaplib, json, re, ssl, sys, time
            host, port, user, password, mailbox, subject = sys.argv[1:7]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            def connect(result, sasl=False):
                M = imaplib.IMAP4(host, int(port), timeout=20)
                result['pre_tls_capabilities'] = list(M.capabilities)
                typ, _ = M.starttls(ssl_context=ctx)
                result['starttls'] = typ
                result['capabilities'] = list(M.capabilities)
                if sasl:  # AUTHENTICATE PLAIN with the response after a continuation (no SASL-IR)
                    typ, data = M.authenticate('PLAIN', lambda challenge: ('\\0%s\\0%s' % (user, password)).encode())
                else:
                    typ, data = M.login(user, password)
                result['login'] = [typ, data[0].decode()]
                return M
            """;

    private static final String PY_SESSION = PY_COMMON + """
            r = {}
            M = connect(r)
            typ, data = M.create(mailbox)
            r['create'] = typ
            typ, data = M.select(mailbox)
            r['select'] = [typ, data[0].decode()]
            msg = ('From: Python <py@example.com>\\r\\nTo: alice@example.org\\r\\nSubject: %s\\r\\n'
                   'Message-ID: <%s@example.com>\\r\\nDate: Thu, 29 Feb 2024 12:34:56 +0000\\r\\n\\r\\n'
                   'line one\\r\\nline two\\r\\n' % (subject, subject.replace(' ', '.'))).encode()
            r['sent_size'] = len(msg)
            typ, data = M.append(mailbox, r'(\\Flagged $Python)', '"29-Feb-2024 13:00:00 +0100"', msg)
            r['append'] = [typ, data[0].decode()]
            uid = re.search(rb'APPENDUID (\\d+) (\\d+)', data[0]).group(2).decode()
            r['uid'] = uid
            typ, data = M.uid('FETCH', uid, '(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT] BODY.PEEK[])')
            r['fetch_status'] = typ
            r['fetch_prefix'] = [d[0].decode() if isinstance(d, tuple) else d.decode() for d in data]
            lits = [d[1] for d in data if isinstance(d, tuple)]
            r['header_fields'] = lits[0].decode()
            r['text'] = lits[1].decode()
            r['whole_equals_sent'] = lits[2] == msg
            m = re.search(rb'INTERNALDATE "([^"]+)"', data[0][0])
            r['internaldate_epoch'] = int(time.mktime(imaplib.Internaldate2tuple(b'INTERNALDATE "' + m.group(1) + b'"')))
            typ, data = M.uid('SEARCH', None, 'SUBJECT', '"%s"' % subject)
            r['search'] = [typ, data[0].decode()]
            typ, data = M.uid('STORE', uid, '+FLAGS', r'(\\Deleted \\Seen)')
            r['store'] = [typ, [d.decode() for d in data]]
            typ, data = M.expunge()
            r['expunge'] = [typ, [d.decode() for d in data if d is not None]]
            typ, data = M.uid('SEARCH', None, 'SUBJECT', '"%s"' % subject)
            r['search_after'] = [typ, data[0].decode()]
            typ, data = M.status(mailbox, '(MESSAGES UIDNEXT)')
            r['status'] = [typ, data[0].decode()]
            typ, data = M.logout()
            r['logout'] = [typ, data[0].decode()]
            print(json.dumps(r), flush=True)
            """;

    private static String str(JsonObject o, String key) {
        return o.getString(key);
    }

    private static List<String> strs(JsonArray a) {
        return a.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Test
    void pythonImaplibStartTlsLoginSelectAppendFetchStoreExpungeLogout() throws Exception {
        String box = F + "python";
        String subject = MurderNode.RUN + " python imaplib";
        PythonRun run = runPython(script("session", PY_SESSION), MurderNode.HOST, Integer.toString(MurderNode.imapPort()),
                MurderNode.USER, MurderNode.USER_PASSWORD, box, subject);
        assertEquals(0, run.exit(), run::toString);
        JsonObject r = run.json();
        List<String> pre = strs(r.getJsonArray("pre_tls_capabilities"));
        assertTrue(pre.contains("STARTTLS") && pre.contains("LOGINDISABLED"), pre.toString());
        assertEquals("OK", str(r, "starttls"));
        List<String> caps = strs(r.getJsonArray("capabilities"));
        assertTrue(caps.contains("AUTH=PLAIN") && !caps.contains("LOGINDISABLED") && !caps.contains("STARTTLS"), caps.toString());
        List<String> login = strs(r.getJsonArray("login"));
        assertEquals("OK", login.get(0));
        assertTrue(login.get(1).matches("\\[CAPABILITY IMAP4rev1 [^]]*\\bIDLE\\b[^]]*] User logged in"), login.get(1));
        assertFalse(login.get(1).contains("AUTH=") || login.get(1).contains("STARTTLS"), login.get(1));
        assertEquals("OK", str(r, "create"));
        assertEquals(List.of("OK", "0"), strs(r.getJsonArray("select")), "a new mailbox is empty");
        List<String> append = strs(r.getJsonArray("append"));
        assertEquals("OK", append.get(0));
        Matcher au = Pattern.compile("\\[APPENDUID (\\d+) 1\\] .*").matcher(append.get(1));
        assertTrue(au.matches(), append.get(1));
        assertEquals("1", str(r, "uid"));

        assertEquals("OK", str(r, "fetch_status"));
        String prefix = strs(r.getJsonArray("fetch_prefix")).get(0);
        int size = r.getInt("sent_size");
        assertTrue(prefix.startsWith("1 (UID 1 FLAGS (\\Flagged $Python \\Recent) INTERNALDATE \""), prefix);
        assertTrue(prefix.contains(" RFC822.SIZE " + size + " "), prefix);
        assertEquals("Subject: " + subject + "\r\n\r\n", str(r, "header_fields"));
        assertEquals("line one\r\nline two\r\n", str(r, "text"));
        assertTrue(r.getBoolean("whole_equals_sent"), "BODY[] is what was appended");
        assertEquals(Instant.parse("2024-02-29T12:00:00Z").getEpochSecond(), r.getJsonNumber("internaldate_epoch").longValue(),
                "the APPEND date-time (13:00 +0100) is kept as the INTERNALDATE");

        assertEquals(List.of("OK", "1"), strs(r.getJsonArray("search")));
        assertEquals("OK", r.getJsonArray("store").getString(0));
        List<String> store = strs(r.getJsonArray("store").getJsonArray(1));
        assertEquals(1, store.size(), store.toString());
        Matcher stored = Pattern.compile("1 \\(UID 1 FLAGS \\(([^)]*)\\)\\)").matcher(store.get(0));
        assertTrue(stored.matches(), store.toString());
        assertEquals(Set.of("\\Seen", "\\Deleted", "\\Flagged", "$Python", "\\Recent"), Set.of(stored.group(1).split(" ")));
        assertEquals("OK", r.getJsonArray("expunge").getString(0));
        assertEquals(List.of("1"), strs(r.getJsonArray("expunge").getJsonArray(1)), "* 1 EXPUNGE");
        assertEquals(List.of("OK", ""), strs(r.getJsonArray("search_after")));
        List<String> status = strs(r.getJsonArray("status"));
        assertEquals("OK", status.get(0));
        assertTrue(status.get(1).matches("\"?" + Pattern.quote(box) + "\"? \\(MESSAGES 0 UIDNEXT 2\\)"), status.get(1));
        assertEquals("BYE", r.getJsonArray("logout").getString(0));
    }

    private static final String PY_IDLE = PY_COMMON + """
            r = {}
            M = connect(r, sasl=True)
            print('AUTHENTICATED ' + r['login'][0], flush=True)
            typ, data = M.select(mailbox)
            print('SELECTED ' + data[0].decode(), flush=True)
            tag = M._new_tag().decode()
            M.send(('%s IDLE\\r\\n' % tag).encode())
            line = M.readline()
            print('CONTINUATION ' + line.decode().rstrip(), flush=True)
            M.sock.settimeout(20)
            while True:
                line = M.readline()
                if not line:
                    print('EOF', flush=True)
                    sys.exit(3)
                print('UNTAGGED ' + line.decode().rstrip(), flush=True)
                if line.rstrip().endswith(b'EXPUNGE'):
                    break
            M.send(b'DONE\\r\\n')
            while True:
                line = M.readline()
                print('AFTER ' + line.decode().rstrip(), flush=True)
                if line.startswith(tag.encode()):
                    break
            M.logout()
            print('BYE', flush=True)
            """;

    /**
     * An idling Python client hears, each within 2 s, what another connection does to the mailbox: a new message
     * ({@code * 2 EXISTS}), a flag change ({@code * 2 FETCH}), an expunge ({@code * 1 EXPUNGE}).
     */
    @Test
    void pythonIdleSeesAnotherConnectionsAppendFlagsAndExpungeWithinTwoSeconds() throws Exception {
        String tag = MurderNode.RUN + " idle ";
        try (IMAPStore store = alice()) {
            IMAPFolder f = freshFolder(store, "idle");
            append(f, textMessage(tag + "already there", "x\r\n"));

            List<String> cmd = List.of(python().toString(), script("idle", PY_IDLE).toString(), MurderNode.HOST,
                    Integer.toString(MurderNode.imapPort()), MurderNode.USER, MurderNode.USER_PASSWORD, f.getFullName(), "-");
            Process p = new ProcessBuilder(cmd).start();
            List<String> out = new CopyOnWriteArrayList<>();
            List<String> err = new CopyOnWriteArrayList<>();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread o = new Thread(() -> pump(p.getInputStream(), out, lines));
            Thread e = new Thread(() -> pump(p.getErrorStream(), err, null));
            o.start();
            e.start();
            try {
                assertEquals("AUTHENTICATED OK", next(lines, Duration.ofSeconds(30), out, err));
                assertEquals("SELECTED 1", next(lines, Duration.ofSeconds(10), out, err));
                assertEquals("CONTINUATION + idling", next(lines, Duration.ofSeconds(10), out, err));
                Thread.sleep(300); // the idler is parked in readline()

                // each latency is measured from before the other connection's command: an upper bound
                long t0 = System.nanoTime();
                AppendUID added = append(f, textMessage(tag + "pushed", "y\r\n"));
                assertEquals(2, added.uid);
                String pushed = next(lines, Duration.ofSeconds(2), out, err);
                long existsMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals("UNTAGGED * 2 EXISTS", pushed, "the first thing the idler hears, " + existsMs + " ms after the APPEND");
                assertEquals("UNTAGGED * 2 RECENT", next(lines, Duration.ofSeconds(2), out, err), "the idler is the first to see it");

                f.open(Folder.READ_WRITE);
                Message second = f.getMessageByUID(2);
                Message first = f.getMessageByUID(1);
                t0 = System.nanoTime();
                second.setFlag(Flags.Flag.FLAGGED, true);
                String flagged = next(lines, Duration.ofSeconds(2), out, err);
                long fetchMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                // both messages are \\Recent to the idler: it was the first of alice's sessions to see them
                assertEquals("UNTAGGED * 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))", flagged);

                t0 = System.nanoTime();
                first.setFlag(Flags.Flag.DELETED, true);
                assertEquals(1, f.expunge(new Message[] {first}).length);
                String gone = next(lines, Duration.ofSeconds(2), out, err);
                if (gone.equals("UNTAGGED * 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))")) {
                    gone = next(lines, Duration.ofSeconds(2), out, err); // the flag change, if it was told separately
                }
                long expungeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals("UNTAGGED * 1 EXPUNGE", gone);
                f.close(false);
                System.out.printf("IDLE latency: EXISTS %d ms, FETCH %d ms, EXPUNGE %d ms%n", existsMs, fetchMs, expungeMs);

                List<String> after = new ArrayList<>();
                String l;
                do {
                    l = next(lines, Duration.ofSeconds(10), out, err);
                    after.add(l);
                } while (!l.matches("AFTER \\S+ (OK|NO|BAD) .*"));
                assertTrue(l.matches("AFTER \\S+ OK .*"), after.toString());
                assertTrue(after.subList(0, after.size() - 1).stream().allMatch(x -> x.equals("AFTER * 1 EXISTS")),
                        "after DONE at most the count that follows the expunge: " + after);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python logs out");
                o.join(5000);
                assertEquals(0, p.exitValue(), () -> String.join("\n", out) + "\n" + String.join("\n", err));
                assertEquals("BYE", out.get(out.size() - 1));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static String next(BlockingQueue<String> lines, Duration within, List<String> out, List<String> err)
            throws InterruptedException {
        String l = lines.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (l == null) {
            fail("no output from python within " + within + "; so far:\n" + String.join("\n", out) + "\nstderr:\n"
                    + String.join("\n", err));
        }
        return l;
    }

    // ------------------------------------------------------------------ Debian Cyrus imtest

    private static Path imtest() {
        Path p = CyrusInstance.CYRUS_BIN.resolve("imtest");
        Peers.require(Files.isExecutable(p), "Debian's Cyrus clients are not installed (apt-get install cyrus-clients)");
        return p;
    }

    @Test
    void cyrusImtestNegotiatesStartTlsAuthenticatesAndReads() throws Exception {
        Path binary = imtest();
        String tag = MurderNode.RUN + " imtest ";
        String box = F + "imtest";
        long validity;
        try (IMAPStore store = alice()) {
            IMAPFolder f = freshFolder(store, "imtest");
            append(f, textMessage(tag + "first", "1\r\n"), textMessage(tag + "second", "2\r\n"));
            validity = f.getUIDValidity();
        }
        MupdateTest client = new MupdateTest(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER, MurderNode.USER_PASSWORD)
                .binary(binary).startTls(true).commandTimeout(Duration.ofSeconds(20));
        MupdateTest.Session session = client.open();
        try (MupdateTest.Session s = session) {
            assertTrue(s.connected(), () -> "imtest authenticated: " + s.transcript());
            assertTrue(s.authenticated(), () -> s.transcript().toString());
            for (String c : List.of("c1 CAPABILITY", "c2 LIST \"\" \"" + box + "\"", "c3 SELECT \"" + box + "\"",
                    "c4 FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "c5 LOGOUT")) {
                assertTrue(s.sendAndWait(c).isPresent(), () -> c + " got no completion:\n" + s.transcript());
            }
        }
        MupdateTest.Transcript t = session.transcript(); // complete now that imtest has ended
        String out = t.output();
        List<String> lines = t.lines();
        // the pre-authentication exchange imtest prints: STARTTLS offered, plaintext login refused, then TLS
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("S: * OK [CAPABILITY ") && l.contains(" STARTTLS ")
                && l.contains("LOGINDISABLED")), out);
        assertTrue(lines.contains("C: S01 STARTTLS"), out);
        assertTrue(lines.contains("S: S01 OK Begin TLS negotiation now"), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("TLS connection established: TLSv1.")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("S: * CAPABILITY ") && l.contains(" AUTH=PLAIN")
                && !l.contains("LOGINDISABLED")), "AUTH=PLAIN is offered under TLS:\n" + out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("S: A01 OK ")), out);
        assertTrue(lines.contains("Authenticated."), out);
        Matcher ssf = Pattern.compile("Security strength factor: (\\d+)").matcher(out);
        assertTrue(ssf.find() && Integer.parseInt(ssf.group(1)) >= 128, "the TLS layer's strength: " + out);

        assertTrue(t.ok("c1"), out);
        String caps = lines.stream().filter(l -> l.startsWith("* CAPABILITY ")).findFirst().orElseThrow();
        assertTrue(caps.contains(" IMAP4rev1 ") && caps.contains(" IDLE ") && caps.contains(" UIDPLUS "), caps);
        assertFalse(caps.contains("AUTH=") || caps.contains("STARTTLS"), "nothing to negotiate once authenticated: " + caps);
        assertTrue(t.ok("c2"), out);
        assertTrue(lines.contains("* LIST (\\HasNoChildren) \".\" " + box), out);
        assertTrue(t.ok("c3"), out);
        assertTrue(lines.contains("* 2 EXISTS"), out);
        assertTrue(lines.contains("* OK [UIDVALIDITY " + validity + "] Ok"), out);
        assertTrue(lines.contains("* OK [UIDNEXT 3] Ok"), out);
        assertTrue(lines.stream().anyMatch(l -> l.matches("c3 OK \\[READ-WRITE\\] .*")), out);
        assertTrue(t.ok("c4"), out);
        int first = lines.indexOf("* 1 FETCH (UID 1 FLAGS (\\Recent) BODY[HEADER.FIELDS (SUBJECT)] {" + ("Subject: " + tag + "first\r\n\r\n").length() + "}");
        assertTrue(first >= 0, out);
        assertEquals("Subject: " + tag + "first", lines.get(first + 1));
        int second = lines.indexOf("* 2 FETCH (UID 2 FLAGS (\\Recent) BODY[HEADER.FIELDS (SUBJECT)] {" + ("Subject: " + tag + "second\r\n\r\n").length() + "}");
        assertTrue(second > first, out);
        assertEquals("Subject: " + tag + "second", lines.get(second + 1));
        assertTrue(lines.contains("* BYE LOGOUT received"), out);
        assertTrue(t.ok("c5"), out);
        assertEquals(0, t.exitCode(), out);
    }

    @Test
    void cyrusImtestWithAWrongPasswordStaysUnauthenticated() {
        Path binary = imtest();
        MupdateTest client = new MupdateTest(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER, "not-alice-pw")
                .binary(binary).startTls(true).commandTimeout(Duration.ofSeconds(20));
        MupdateTest.Transcript t = client.run("c1 SELECT INBOX", "c2 NOOP");
        assertFalse(t.authenticated(), t::toString);
        assertTrue(t.lines().stream().anyMatch(l -> l.startsWith("S: A01 NO [AUTHENTICATIONFAILED]")), t::toString);
        assertEquals("BAD", t.completion("c1").orElseThrow().keyword(), t::toString);
        assertTrue(t.ok("c2"), t::toString);
    }

    /** SCRAM with Cyrus's own SASL library (libsasl2's scram plugin) as the client: proofs checked both ways. */
    @Test
    void cyrusImtestAuthenticatesWithScram() {
        imtestWithScram("SCRAM-SHA-256", true);
        // SCRAM never sends the password, so (as in Cyrus) it is on offer before STARTTLS too
        imtestWithScram("SCRAM-SHA-1", false);
    }

    private void imtestWithScram(String mechanism, boolean withTls) {
        Path binary = imtest();
        MupdateTest.Transcript t = new MupdateTest(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER,
                MurderNode.USER_PASSWORD).binary(binary).startTls(withTls).mechanism(mechanism)
                .commandTimeout(Duration.ofSeconds(20)).run("c1 SELECT INBOX", "c2 LOGOUT");
        assertTrue(t.authenticated(), t::toString);
        assertTrue(t.lines().stream().anyMatch(l -> l.startsWith("C: A01 AUTHENTICATE " + mechanism)), t::toString);
        assertTrue(t.lines().stream().anyMatch(l -> l.startsWith("S: A01 OK ")), t::toString);
        assertTrue(t.ok("c1"), t::toString);

        MupdateTest.Transcript wrong = new MupdateTest(MurderNode.HOST, MurderNode.imapPort(), MurderNode.USER,
                "not-alice-pw").binary(binary).startTls(true).mechanism(mechanism)
                .commandTimeout(Duration.ofSeconds(20)).run("c1 NOOP");
        assertFalse(wrong.authenticated(), wrong::toString);
        assertTrue(wrong.lines().stream().anyMatch(l -> l.startsWith("S: A01 NO [AUTHENTICATIONFAILED]")), wrong::toString);
    }

    // ------------------------------------------------------------------ bad input on a raw TLS socket

    // ------------------------------------------------------------------ issue 11: who may make a mailbox name

    /** An attacker and a victim of this run (the victim never logged in), and their shared password. */
    private static final String MALLORY = "mal" + MurderNode.RUN;
    private static final String VICTIM = "vic" + MurderNode.RUN;
    private static final String PW = "pw-" + MurderNode.RUN;
    private static boolean usersAdded;

    private synchronized void attackerAndVictim() throws IOException {
        if (!usersAdded) {
            RealmUsers.addToNode(MALLORY, PW);
            RealmUsers.addToNode(VICTIM, PW);
            usersAdded = true;
        }
    }

    @Test
    void renameOrCreateIntoAnotherUsersInboxIsRefusedAndTheVictimLaterGetsTheirOwn() throws Exception {
        attackerAndVictim();
        try (ImapWire m = ImapWire.loggedIn(MALLORY, PW)) {
            assertStatus("OK", "a1", m.command("a1", "CREATE INBOX.trap"));
            // the takeover: a folder of mine becomes the victim's INBOX before their first login
            assertEquals("a2 NO Permission denied", last(m.command("a2", "RENAME INBOX.trap user." + VICTIM)));
            assertEquals("a3 NO Permission denied", last(m.command("a3", "RENAME INBOX.trap user." + VICTIM + ".x")));
            // RENAME INBOX creates its destination: the same rule
            assertEquals("a4 NO Permission denied", last(m.command("a4", "RENAME INBOX user." + VICTIM)));
            assertEquals("a5 NO Permission denied", last(m.command("a5", "CREATE user." + VICTIM)));
            assertEquals("a6 NO Permission denied", last(m.command("a6", "CREATE user." + VICTIM + ".x")));
            // top level: admins only; my own INBOX under another spelling moves nowhere (Cyrus: not supported)
            assertEquals("a7 NO Permission denied", last(m.command("a7", "RENAME INBOX.trap " + MurderNode.RUN + "-top")));
            assertEquals("a8 NO Operation is not supported on mailbox",
                    last(m.command("a8", "RENAME user." + MALLORY + " " + MurderNode.RUN + "-top")));
            List<String> nothing = m.command("a9", "LIST \"\" \"user." + VICTIM + "*\"");
            assertEquals(List.of("a9 OK Completed"), nothing, "no mailbox of the victim's was made");

            // destinations under my own INBOX are fine
            assertStatus("OK", "b1", m.command("b1", "RENAME INBOX.trap INBOX.kept"));
            assertStatus("OK", "b2", m.command("b2", "RENAME INBOX.kept INBOX.kept.deeper"));
            // RENAME INBOX (RFC 3501): the messages move, INBOX stays, mine
            byte[] msg = ("Subject: " + MurderNode.RUN + " inbox rename\r\n\r\nhi\r\n").getBytes(StandardCharsets.US_ASCII);
            assertStatus("OK", "b3", m.command("b3", concat(("b3 APPEND INBOX {" + msg.length + "+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII))));
            assertStatus("OK", "b4", m.command("b4", "RENAME INBOX INBOX.old"));
            assertTrue(m.command("b5", "SELECT INBOX").contains("* 0 EXISTS"), "INBOX stays, empty");
            assertTrue(m.command("b6", "SELECT INBOX.old").contains("* 1 EXISTS"), "its message moved");
            assertTrue(last(m.command("b7", "MYRIGHTS INBOX")).startsWith("b7 OK"));
        }

        // the victim's mail: delivery creates their INBOX (autocreate_post), theirs alone, and they read it
        String subject = MurderNode.RUN + " for the victim";
        try (org.murder.protocol.lmtp.LmtpClient lmtp = new org.murder.protocol.lmtp.LmtpClient(MurderNode.HOST,
                MurderNode.lmtpPort(), Duration.ofSeconds(30))) {
            lmtp.lhlo("it.example.org");
            var delivery = lmtp.deliver(
                    org.murder.protocol.lmtp.LmtpCommand.Mail.of(org.murder.protocol.lmtp.ReversePath.of(
                            org.murder.protocol.lmtp.Address.of("sender", "example.org"))),
                    List.of(org.murder.protocol.lmtp.LmtpCommand.Rcpt.of(org.murder.protocol.lmtp.ForwardPath.of(
                            org.murder.protocol.lmtp.Address.local(VICTIM)))),
                    new java.io.ByteArrayInputStream(("Subject: " + subject + "\r\n\r\nyours\r\n")
                            .getBytes(StandardCharsets.US_ASCII)));
            assertEquals(250, delivery.outcomes().get(0).code(), delivery::toString);
        }
        try (ImapWire v = ImapWire.loggedIn(VICTIM, PW)) {
            List<String> selected = v.command("v1", "SELECT INBOX");
            assertTrue(selected.contains("* 1 EXISTS"), selected.toString());
            List<String> acl = v.command("v2", "GETACL INBOX");
            assertStatus("OK", "v2", acl);
            assertTrue(acl.get(0).contains(VICTIM + " lrswipkxtecdan") && !acl.get(0).contains(MALLORY), acl.toString());
            List<String> fetched = v.command("v3", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertTrue(fetched.stream().anyMatch(l -> l.contains(subject)), fetched.toString());
        }
        try (ImapWire m = ImapWire.loggedIn(MALLORY, PW)) {
            assertEquals("c1 NO Permission denied", last(m.command("c1", "RENAME INBOX.old user." + VICTIM + ".stolen")),
                    "the victim's INBOX grants the attacker no k");
            assertEquals("c2 NO Permission denied", last(m.command("c2", "CREATE user." + VICTIM)),
                    "an INBOX the attacker may not see is not even said to exist");
        }
    }

    @Test
    void createAndRenameUnderASharedParentNeedItsKAndAdminsMayCreateAnywhere() throws Exception {
        attackerAndVictim();
        String shared = MurderNode.RUN + "-shared";
        try (ImapWire admin = ImapWire.loggedIn(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD);
             ImapWire m = ImapWire.loggedIn(MALLORY, PW)) {
            assertStatus("OK", "d1", admin.command("d1", "CREATE " + shared));
            assertStatus("OK", "d2", admin.command("d2", "SETACL " + shared + " " + MALLORY + " lrs"));
            assertStatus("OK", "e1", m.command("e1", "CREATE INBOX.tomove"));
            assertEquals("e2 NO Permission denied", last(m.command("e2", "CREATE " + shared + ".a")));
            assertEquals("e3 NO Permission denied", last(m.command("e3", "RENAME INBOX.tomove " + shared + ".b")));
            assertStatus("OK", "d3", admin.command("d3", "SETACL " + shared + " " + MALLORY + " lrsk"));
            assertStatus("OK", "e4", m.command("e4", "CREATE " + shared + ".a"));
            assertStatus("OK", "e5", m.command("e5", "RENAME INBOX.tomove " + shared + ".b"));
            // the new mailbox starts with its parent's ACL (Cyrus's mboxlist_create_acl)
            List<String> acl = admin.command("d6", "GETACL " + shared + ".a");
            assertTrue(acl.get(0).contains(MALLORY + " lrsk"), acl.toString());
            assertEquals("e7 NO Permission denied", last(m.command("e7", "CREATE " + MurderNode.RUN + "-mytop")));
            // admins: top level and other users' INBOXes
            assertStatus("OK", "d4", admin.command("d4", "RENAME " + shared + ".b " + MurderNode.RUN + "-top"));
            assertStatus("OK", "d5", admin.command("d5", "CREATE user.adm" + MurderNode.RUN));
        }
    }

    private static void assertStillAnswers(ImapWire w, String tag) throws IOException {
        assertEquals(tag + " OK Completed", last(w.command(tag, "NOOP")), "the connection still answers NOOP");
    }

    private static long[] sessionsGauge() throws Exception {
        try (JsonReader r = Json.createReader(new java.io.StringReader(MurderNode.get("/api/backend/sessions").body()))) {
            JsonObject o = r.readObject();
            return new long[] {o.getJsonNumber("selected").longValue(), o.getJsonNumber("idling").longValue()};
        }
    }

    /**
     * Issue 11: twelve strangers each announcing a 60 MB literal once silently killed the IMAP listener. Before
     * authentication only small literals are taken; the others are refused and the connection goes on.
     */
    @Test
    void strangersGetNoBigLiteralsAndTheListenerSurvives() throws Exception {
        List<ImapWire> wires = new ArrayList<>();
        byte[] junk = new byte[1 << 20];
        java.util.Arrays.fill(junk, (byte) 'j');
        try {
            for (int i = 0; i < 12; i++) {
                ImapWire w = new ImapWire();
                wires.add(w);
                w.line();
                // a non-synchronizing literal: the client sends it anyway, the server reads it into nothing
                w.send("b1 LOGIN {60000000+}\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            for (ImapWire w : wires) {
                assertStatus("BAD", "b1", w.until("b1"));
                w.send(junk);
            }
            try (ImapWire sync = new ImapWire()) {
                sync.line();
                // a synchronizing one is refused before the client sends it, and the connection goes on
                assertStatus("BAD", "b2", sync.command("b2", "LOGIN {60000000}"));
                assertStillAnswers(sync, "b3");
                // a small literal (a password) is still fine before login; after login the full bound applies
                List<String> login = sync.command("b4", ("b4 LOGIN alice {" + MurderNode.USER_PASSWORD.length() + "+}\r\n"
                        + MurderNode.USER_PASSWORD + "\r\n").getBytes(StandardCharsets.US_ASCII));
                assertTrue(last(login).startsWith("b4 NO [PRIVACYREQUIRED]") || last(login).startsWith("b4 OK"),
                        login::toString);
            }
        } finally {
            for (ImapWire w : wires) {
                w.close();
            }
        }
        try (ImapWire fresh = ImapWire.loggedIn()) {
            byte[] big = new byte[200_000];
            java.util.Arrays.fill(big, (byte) 'x');
            byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] msg = concat(head, big, "\r\n".getBytes(StandardCharsets.US_ASCII));
            assertStatus("OK", "b4", fresh.command("b4", concat(("b4 APPEND INBOX {" + msg.length + "+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII))));
        }
    }

    /**
     * Issue 11: nine clients that asked for every body of a 20 MB mailbox and then never read held every worker
     * thread, and no one else could log in. Now a response is produced only as fast as its client reads.
     */
    @Test
    void clientsThatStopReadingHoldNoThreadAndOthersAreServed() throws Exception {
        String box = F + "slowreaders";
        byte[] body = new byte[1 << 20];
        java.util.Arrays.fill(body, (byte) 'b');
        for (int i = 76; i < body.length; i += 78) {
            body[i] = '\r';
            body[i + 1] = '\n';
        }
        byte[] msg = concat("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII), body);
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "c1", w.command("c1", "CREATE " + box));
            for (int i = 0; i < 20; i++) {
                assertStatus("OK", "c2", w.command("c2", concat(("c2 APPEND " + box + " {" + msg.length + "+}\r\n")
                        .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII))));
            }
        }
        List<ImapWire> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                ImapWire w = ImapWire.loggedIn();
                stalled.add(w);
                assertStatus("OK", "d1", w.command("d1", "SELECT " + box));
                w.send("d2 FETCH 1:* BODY.PEEK[]\r\n".getBytes(StandardCharsets.US_ASCII)); // and never read
            }
            Thread.sleep(2000);
            long start = System.nanoTime();
            try (ImapWire fresh = ImapWire.loggedIn()) {
                assertStatus("OK", "e1", fresh.command("e1", "SELECT " + box));
                List<String> fetched = fresh.command("e2", "FETCH 1:3 (FLAGS RFC822.SIZE)");
                assertStatus("OK", "e2", fetched);
                assertEquals(4, fetched.size(), fetched::toString);
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "served within 10 s");
        } finally {
            for (ImapWire w : stalled) {
                w.close();
            }
        }
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "f1", w.command("f1", "DELETE " + box));
        }
    }

    private static String route(String mailbox) throws Exception {
        try (JsonReader r = Json.createReader(new java.io.StringReader(MurderNode.get("/api/backend/route/" + mailbox).body()))) {
            return r.readObject().getString("route");
        }
    }

    /** The routing seam on a node with every role: what its store holds is local, a name nowhere is unknown. */
    @Test
    void theNodeRoutesItsOwnMailboxesLocallyAndKnowsWhatIsNowhere() throws Exception {
        try (ImapWire w = ImapWire.loggedIn()) {
            assertStatus("OK", "r1", w.command("r1", "SELECT INBOX"));
        }
        assertEquals("local", route("user.alice"));
        assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> {
            try {
                return route("user.nobody-" + MurderNode.RUN).equals("unknown");
            } catch (Exception e) {
                return false;
            }
        }), "a name in neither the store nor the synchronized map copy is unknown");
    }

    /** Issue 11: a session dropped while in IDLE used to leave its listener (and its view) registered for ever. */
    @Test
    void sessionsDroppedWhileIdlingReleaseWhatTheyRegistered() throws Exception {
        long[] before = sessionsGauge();
        List<ImapWire> wires = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                ImapWire w = ImapWire.loggedIn();
                wires.add(w);
                assertStatus("OK", "s3", w.command("s3", "SELECT INBOX"));
                w.send("s4 IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("+ idling", w.line());
            }
            assertTrue(MurderNode.await(Duration.ofSeconds(10), () -> {
                try {
                    long[] now = sessionsGauge();
                    return now[0] >= before[0] + 10 && now[1] >= before[1] + 10;
                } catch (Exception e) {
                    return false;
                }
            }), () -> "10 sessions selected and idling: " + java.util.Arrays.toString(before));
        } finally {
            for (ImapWire w : wires) {
                w.close(); // no DONE, no LOGOUT: the connection just goes
            }
        }
        assertTrue(MurderNode.await(Duration.ofSeconds(15), () -> {
            try {
                long[] now = sessionsGauge();
                return now[0] <= before[0] && now[1] <= before[1];
            } catch (Exception e) {
                return false;
            }
        }), () -> "every selection and IDLE listener released");
    }

    @Test
    void badInputGetsBadOrNoAndTheConnectionStillAnswers() throws Exception {
        try (ImapWire w = new ImapWire()) {
            String greeting = w.line();
            assertTrue(greeting.startsWith("* OK [CAPABILITY IMAP4rev1 ") && greeting.contains(" STARTTLS AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1 LOGINDISABLED]"), greeting);

            // plaintext before TLS: refused, as Cyrus does with allowplaintext off
            assertEquals("p1 NO [PRIVACYREQUIRED] Login only available under a layer", last(w.command("p1", "LOGIN alice alice-pw")));
            assertStatus("NO [PRIVACYREQUIRED]", "p2", w.command("p2", "AUTHENTICATE PLAIN " + plain("alice", "alice-pw")));
            // the wrong state: SELECT and FETCH before LOGIN
            assertStatus("BAD", "p3", w.command("p3", "SELECT INBOX"));
            assertStatus("BAD", "p4", w.command("p4", "FETCH 1 (FLAGS)"));
            assertStillAnswers(w, "p5");

            // STARTTLS with a command pipelined behind it in plaintext: the command must not survive the handshake
            w.send("t1 STARTTLS\r\nt2 LOGIN alice alice-pw\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("t1 OK Begin TLS negotiation now", w.line());
            w.startTls();
            List<String> afterTls = w.command("t3", "NOOP");
            assertEquals(List.of("t3 OK Completed"), afterTls, "nothing answers the injected t2");
            assertStatus("BAD", "t4", w.command("t4", "SELECT INBOX")); // still not logged in
            assertEquals("t5 NO TLS already active", last(w.command("t5", "STARTTLS"))); // as Cyrus answers

            assertStatus("OK", "l1", w.command("l1", "LOGIN alice alice-pw"));
            // FETCH before SELECT
            assertEquals("s1 BAD Please select a mailbox first", last(w.command("s1", "FETCH 1 (FLAGS)")));
            assertStatus("BAD", "s2", w.command("s2", "LOGIN alice alice-pw")); // already authenticated
            assertStillAnswers(w, "s3");

            // a mailbox of this run with one message, so that sequence numbers mean something
            String box = F + "raw";
            String bad = F + "raw-";
            assertStatus("OK", "m1", w.command("m1", "CREATE \"" + box + "\""));
            byte[] msg = ("Subject: " + MurderNode.RUN + " raw\r\n\r\nraw\r\n").getBytes(StandardCharsets.US_ASCII);
            List<String> appended = w.command("m2", concat(("m2 APPEND \"" + box + "\" {" + msg.length + "+}\r\n")
                    .getBytes(StandardCharsets.US_ASCII), msg, "\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertTrue(last(appended).matches("m2 OK \\[APPENDUID \\d+ 1\\] .*"), appended.toString());
            List<String> selected = w.command("m3", "SELECT \"" + box + "\"");
            assertTrue(selected.contains("* 1 EXISTS"), selected.toString());
            assertStatus("OK", "m3", selected);

            // unbalanced parentheses
            assertStatus("BAD", "u1", w.command("u1", "FETCH 1 (FLAGS (UID)"));
            assertStatus("BAD", "u2", w.command("u2", "FETCH 1 FLAGS)"));
            assertStatus("BAD", "u3", w.command("u3", "STORE 1 +FLAGS (\\Seen"));
            assertStatus("BAD", "u4", w.command("u4", "SEARCH (OR SUBJECT x"));
            assertStillAnswers(w, "u5");

            // invalid sequence sets
            for (String set : List.of("0:x", "1,,1", "0", "5:3:1", "-1", "*:abc", "1:")) {
                assertStatus("BAD", "q1", w.command("q1", "FETCH " + set + " (FLAGS)"));
            }
            assertStatus("BAD", "q2", w.command("q2", "FETCH 99 (FLAGS)")); // beyond the mailbox's one message
            assertStatus("BAD", "q3", w.command("q3", "STORE 0 +FLAGS (\\Seen)"));
            assertStatus("BAD", "q4", w.command("q4", "COPY 1:x INBOX"));
            assertStillAnswers(w, "q5");

            // a 100 KB line
            byte[] huge = new byte[100 * 1024];
            Arrays.fill(huge, (byte) 'a');
            List<String> tooLong = w.command("h1", concat("h1 SELECT \"".getBytes(StandardCharsets.US_ASCII), huge,
                    "\"\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(List.of("h1 BAD line too long"), tooLong);
            assertStillAnswers(w, "h2");
            // a literal beyond the server's limit is refused before the client sends it
            assertStatus("BAD", "h3", w.command("h3", "APPEND \"" + box + "\" {99999999999}"));
            assertStillAnswers(w, "h4");

            // invalid mailbox names
            assertStatus("NO", "n1", w.command("n1", "CREATE \"" + bad + "bad%name\""));
            assertStatus("NO", "n2", w.command("n2", "CREATE \"\"")); // well-formed, only no mailbox can be named so
            List<String> encodedAscii = w.command("n3", "CREATE \"" + bad + "&AGE-\""); // mUTF-7 of ASCII "a"
            assertTrue(last(encodedAscii).startsWith("n3 BAD ") || last(encodedAscii).startsWith("n3 NO "), encodedAscii.toString());
            assertStatus("NO", "n4", w.command("n4", "CREATE \"" + bad + "&Jjo\"")); // unterminated mUTF-7
            assertStatus("NO", "n5", w.command("n5", "CREATE user"));
            assertStatus("NO", "n6", w.command("n6", "SELECT \"" + bad + "nosuch\""));
            assertStatus("NO", "n7", w.command("n7", "DELETE \"" + bad + "nosuch\""));
            List<String> listed = w.command("n8", "LIST \"\" \"" + box + "*\"");
            assertStatus("OK", "n8", listed);
            assertEquals(List.of("* LIST (\\HasNoChildren) \".\" " + box), listed.subList(0, listed.size() - 1),
                    "none of the refused names was created (and the failed SELECT left no selection behind)");

            // junk
            assertStatus("BAD", "j1", w.command("j1", "FROBNICATE"));
            List<String> binary = w.command("j2", concat("j2 ".getBytes(StandardCharsets.US_ASCII), new byte[] {0, (byte) 0xff, (byte) 0xfe},
                    " junk\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertStatus("BAD", "j2", binary);
            w.send("\r\n".getBytes(StandardCharsets.US_ASCII)); // an empty line: no tag to answer with
            assertTrue(w.line().startsWith("* BAD "), "an untagged BAD");
            assertStillAnswers(w, "j3");

            // and the session state survived all of it: the failed SELECT n6 unselected the mailbox, as RFC 3501 says
            assertEquals("z1 BAD Please select a mailbox first", last(w.command("z1", "FETCH 1 (FLAGS)")));
            List<String> bye = w.command("z2", "LOGOUT");
            assertEquals(List.of("* BYE LOGOUT received", "z2 OK Completed"), bye);
        }
    }

    /** {@code * n EXPUNGE}, perhaps the new count ({@code * n EXISTS}, 2 messages being left), then the tagged OK. */
    private static void assertExpungeOf(int msn, String tag, List<String> lines) {
        assertEquals("* " + msn + " EXPUNGE", lines.get(0), lines::toString);
        assertEquals(tag + " OK Completed", last(lines), lines::toString);
        assertTrue(lines.subList(1, lines.size() - 1).stream().allMatch("* 2 EXISTS"::equals), lines::toString);
    }

    private static String plain(String user, String password) {
        return java.util.Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
