package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.AppendData;
import org.murder.protocol.imap.command.AppendMessage;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.protocol.imap.message.BinaryContent;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.model.Namespace;
import org.murder.store.model.Rights;

/**
 * APPEND: one message (RFC 3501), several (MULTIAPPEND, RFC 3502), each a literal or made by CATENATE (RFC 4469).
 * Every message is first staged as a file on the target's partition — a literal the transport spilled is linked, not
 * copied — and checked ({@code maxmessagesize} per message, the quota for them all together); then all are added in one
 * transaction, so a failure anywhere stores none, and the staged files go whatever the outcome. The answer's
 * {@code APPENDUID} (RFC 4315) names every new UID — given, as in Cyrus, to who may read the mailbox ({@code r}).
 */
@ApplicationScoped
public class AppendCommand {

    private static final Logger LOG = Logger.getLogger(AppendCommand.class.getName());
    private static final int CHUNK = 64 * 1024;

    @Inject
    MurderSettings settings;

    @Inject
    Namespace namespace;

    @Inject
    Spool spool;

    @EJB
    MailboxService mailboxes;

    @EJB
    MessageStore store;

    @EJB
    MailboxEvents events;

    @EJB
    org.murder.backend.DeliveryService delivery;

    @Inject
    MessageCommands messages;

    @Inject
    UrlParts urls;

    void run(Connection c, ImapSession s, ImapCommand.Append a) {
        Optional<StoreMailbox> found = MailboxCommands.internal(namespace, s, a.mailbox())
                .flatMap(mailboxes::find)
                .filter(m -> MailboxCommands.rights(s, m.acl()).has('l') || MailboxCommands.rights(s, m.acl()).has('r'));
        if (found.isEmpty()) {
            MailboxCommands.noSuchTarget(c, a.tag(), a.mailbox()); // TRYCREATE unless no CREATE could make it
            return;
        }
        StoreMailbox m = found.get();
        Rights rights = MailboxCommands.rights(s, m.acl());
        if (!rights.has('i')) {
            ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, "Permission denied");
            return;
        }
        List<Spool.TempMessage> staged = new ArrayList<>(a.messages().size());
        try {
            long limit = settings.maxMessageSize();
            long atLeast = 0;
            for (AppendMessage message : a.messages()) {
                // a message too large for certain is refused before anything is written
                if (limit > 0 && message.data() instanceof MessageLiteral literal && literal.length() > limit) {
                    throw AppendRefused.tooBig();
                }
                atLeast += leastSize(message.data());
            }
            // and so are messages the quota cannot take for certain (sizes as sent: a CATENATE's URLs add to them)
            if (delivery.overQuota(m, atLeast, a.messages().size())) {
                throw new AppendRefused("OVERQUOTA", "Over quota"); // RFC 9208 section 4.3
            }
            Instant now = Instant.now();
            List<MessageStore.NewMessage> added = new ArrayList<>(a.messages().size());
            for (AppendMessage message : a.messages()) {
                Spool.TempMessage file = stage(s, m.partition(), message.data(), limit);
                staged.add(file);
                added.add(new MessageStore.NewMessage(file, MessageFlags.of(message.flags()),
                        message.internalDate().map(ZonedDateTime::toInstant).orElse(now), MessageCacheData.parse(file.path())));
            }
            // checked again under the mailbox's lock with the sizes as stored, before anything is linked
            List<MessageStore.Appended> done = store.appendAll(spool, m.id(), added, true);
            events.changed(m.id());
            messages.sync(c, s, true);
            if (!rights.has('r')) {
                ImapEndpoint.tagged(c, a.tag(), ImapStatus.OK, "Completed"); // as Cyrus: no UIDs for who may not read
                return;
            }
            String uids = SequenceSet.of(done.stream().mapToLong(MessageStore.Appended::uid).toArray()).toString();
            ImapEndpoint.tagged(c, a.tag(), ImapStatus.OK, "APPENDUID " + done.get(0).uidValidity() + " " + uids,
                    "Completed");
        } catch (AppendRefused r) {
            if (r.code() == null) {
                ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, r.getMessage());
            } else {
                ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, r.code(), r.getMessage());
            }
        } catch (org.murder.store.OverQuotaException e) {
            ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, "OVERQUOTA", "Over quota");
        } catch (org.murder.store.MailboxFrozenException e) {
            ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, "UNAVAILABLE", org.murder.store.MailboxFrozenException.TEXT);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-IMAP-003 APPEND to " + m.name() + " failed", e);
            ImapEndpoint.tagged(c, a.tag(), ImapStatus.NO, "Cannot store the message now");
        } finally {
            staged.forEach(f -> spool.delete(f.path()));
        }
    }

    static final String NUL_IN_MESSAGE = "Message contains NUL characters";

    /** What a message will take at least: a literal's length, a CATENATE's text parts (its URLs unknown yet). */
    private static long leastSize(AppendData data) {
        if (data instanceof MessageLiteral literal) {
            return literal.length();
        }
        long n = 0;
        for (Catenate.Part part : ((Catenate) data).parts()) {
            if (part instanceof Catenate.Text text) {
                n += text.text().length();
            }
        }
        return n;
    }

    /**
     * A literal8's message as it is kept: its binary parts base64-encoded ({@link BinaryContent}), so that no answer
     * but BINARY's carries a NUL. The message itself when it has none; the one sent is deleted when a copy is kept.
     */
    private Spool.TempMessage encodeBinaryParts(String partition, Spool.TempMessage sent) throws IOException, AppendRefused {
        Spool.TempMessage kept = null;
        try {
            BinaryContent.Source source = () -> java.nio.file.Files.newInputStream(sent.path());
            BinaryContent.Plan plan;
            try (InputStream in = source.open()) {
                plan = BinaryContent.plan(MessageStructure.parse(in), source);
            }
            if (plan.unchanged()) {
                kept = sent;
                return sent;
            }
            try (Spool.TempWriter writer = spool.openTemp(partition)) {
                try (java.io.OutputStream out = writer.stream()) {
                    BinaryContent.write(plan, source, out);
                }
                kept = writer.finish();
                return kept;
            }
        } catch (BinaryContent.NulOutsideBodyException e) {
            throw new AppendRefused(null, NUL_IN_MESSAGE);
        } finally {
            if (kept != sent) {
                spool.delete(sent.path());
            }
        }
    }

    /** One message as a file of its own on the partition, not yet durable (linking it into the mailbox makes it so). */
    private Spool.TempMessage stage(ImapSession s, String partition, AppendData data, long limit)
            throws AppendRefused, IOException {
        if (data instanceof MessageLiteral literal) {
            if (!literal.binary() && literal.containsNul()) {
                // RFC 3501: a literal has no NUL; only BINARY's literal8 may (Cyrus's answer)
                throw new AppendRefused(null, NUL_IN_MESSAGE);
            }
            // a large message is already a file (the transport spilled it): linked or copied, never read into memory
            Spool.TempMessage file = literal.file().isPresent() ? spool.adoptTemp(partition, literal.file().get().path())
                    : spool.writeTemp(partition, literal.openStream());
            return literal.binary() ? encodeBinaryParts(partition, file) : file;
        }
        try (Spool.TempWriter out = spool.openTemp(partition)) {
            for (Catenate.Part part : ((Catenate) data).parts()) {
                if (part instanceof Catenate.Text text) {
                    if (limit > 0 && out.size() + text.text().length() > limit) {
                        throw AppendRefused.tooBig();
                    }
                    try (InputStream in = text.text().openStream()) {
                        byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(1, text.text().length()))];
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            out.write(buffer, 0, n);
                        }
                    }
                } else {
                    urls.copy(s, ((Catenate.Url) part).url(), out, limit);
                }
            }
            return out.finish();
        }
    }
}
