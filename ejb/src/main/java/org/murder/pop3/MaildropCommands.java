package org.murder.pop3;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.ResponseProducer;
import org.murder.imap.MailboxCommands;
import org.murder.imap.MailboxEvents;
import org.murder.protocol.pop3.Pop3Command;
import org.murder.protocol.pop3.Pop3DotStuffer;
import org.murder.protocol.pop3.Pop3Responses;
import org.murder.store.FlagChange;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageFlags;
import org.murder.store.MessageStore;
import org.murder.store.MessageStore.IndexRow;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;

/**
 * POP3 on this node's maildrops: opening the user's INBOX at login (locked, numbered from the mailbox's shared index),
 * the TRANSACTION commands, and QUIT's UPDATE, which expunges what was deleted through the store's path IMAP EXPUNGE
 * uses (so IMAP sessions and the index see it) and sets \Seen on what was retrieved.
 */
@ApplicationScoped
public class MaildropCommands {

    private static final Logger LOG = Logger.getLogger(MaildropCommands.class.getName());
    /** RETR and TOP write about this much at a time, as the client reads. */
    private static final int CHUNK = 64 * 1024;

    @Inject
    MurderSettings settings;

    @EJB
    MessageStore store;

    @EJB
    MailboxEvents events;

    @EJB
    PopLogins logins;

    @Inject
    Maildrops locks;

    @Inject
    Spool spool;

    @Inject
    MailboxCommands mailboxCommands;

    @Inject
    org.murder.store.model.Namespace namespace;

    /**
     * Opens {@code user}'s INBOX as the session's maildrop and answers; on a refusal ({@code [IN-USE]},
     * {@code [LOGIN-DELAY]}, {@code [SYS/TEMP]}) the session is back in the AUTHORIZATION state, as in Cyrus.
     */
    void open(Connection c, Pop3Session s, String user) {
        mailboxCommands.ensureInbox(user, settings.isAdmin(user));
        Optional<StoreMailbox> found = namespace.toInternal("INBOX", user).flatMap(store::mailbox);
        if (found.isEmpty()) {
            refuse(c, s, "SYS/TEMP", "Unable to open maildrop: Mailbox does not exist");
            return;
        }
        StoreMailbox m = found.get();
        Optional<Runnable> unlock = locks.lock(m.id(), c.id());
        if (unlock.isEmpty()) {
            LOG.info(() -> "MURDER-POP3-003 maildrop of " + user + " in use; refused a second session from " + c.remoteAddress());
            refuse(c, s, "IN-USE", "Unable to lock maildrop: another POP3 session holds it");
            return;
        }
        Instant now = Instant.now();
        Duration minPoll = settings.popMinPoll();
        try {
            if (!minPoll.isZero() && LoginDelay.tooSoon(logins.last(m.id()), now, minPoll)) {
                unlock.get().run();
                long minutes = minPoll.toMinutes();
                refuse(c, s, "LOGIN-DELAY", "Logins must be at least " + minutes + " minute" + (minutes == 1 ? "" : "s") + " apart");
                return;
            }
            MailboxIndex index = store.index(m.id());
            boolean hideDeleted = settings.popUseImapFlags();
            List<Maildrop.Message> messages = new ArrayList<>(index.size());
            for (int i = 0; i < index.size(); i++) {
                IndexRow r = index.row(i);
                if (!(hideDeleted && r.flags().deleted())) {
                    messages.add(new Maildrop.Message(r.id(), r.uid(), r.size()));
                }
            }
            Maildrop drop = new Maildrop(m.id(), m.name(), m.partition(), m.uidValidity(), messages,
                    UidlFormat.of(settings.uidlFormat()));
            s.onEnd(unlock.get());
            s.state(new Pop3Session.Transaction(user, drop, now));
            c.write(Pop3Responses.ok("Mailbox locked and ready"));
        } catch (RuntimeException e) {
            unlock.get().run();
            throw e;
        }
    }

    private static void refuse(Connection c, Pop3Session s, String code, String text) {
        s.state(new Pop3Session.Authorization(Optional.empty()));
        c.write(Pop3Responses.err(code, text));
    }

    /** A TRANSACTION command. */
    void run(Connection c, Pop3Session.Transaction t, Pop3Command.Transaction command) {
        Maildrop drop = t.maildrop();
        if (command instanceof Pop3Command.Stat) {
            c.write(Pop3Responses.ok(drop.count() + " " + drop.size()));
        } else if (command instanceof Pop3Command.ListCommand l) {
            if (l.message().isPresent()) {
                int n = l.message().getAsInt();
                c.write(drop.exists(n) ? Pop3Responses.ok(drop.listing(n)) : noSuchMessage());
            } else {
                c.write(Pop3Responses.multiLine("scan listing follows", drop.numbers().stream().map(drop::listing).toList()));
            }
        } else if (command instanceof Pop3Command.Uidl u) {
            if (u.message().isPresent()) {
                int n = u.message().getAsInt();
                c.write(drop.exists(n) ? Pop3Responses.ok(drop.uidlListing(n)) : noSuchMessage());
            } else {
                c.write(Pop3Responses.multiLine("unique-id listing follows",
                        drop.numbers().stream().map(drop::uidlListing).toList()));
            }
        } else if (command instanceof Pop3Command.Retr r) {
            if (!drop.exists(r.message())) {
                c.write(noSuchMessage());
            } else if (send(c, drop, r.message(), Pop3DotStuffer.whole())) {
                drop.retrieved(r.message());
            }
        } else if (command instanceof Pop3Command.Top top) {
            if (!drop.exists(top.message())) {
                c.write(noSuchMessage());
            } else {
                send(c, drop, top.message(), Pop3DotStuffer.top(top.lines()));
            }
        } else if (command instanceof Pop3Command.Dele d) {
            if (!drop.exists(d.message())) {
                c.write(noSuchMessage());
            } else {
                drop.delete(d.message());
                c.write(Pop3Responses.ok("message " + d.message() + " deleted"));
            }
        } else if (command instanceof Pop3Command.Rset) {
            drop.reset();
            c.write(Pop3Responses.ok("maildrop has " + drop.count() + " messages (" + drop.size() + " octets)"));
        } else if (command instanceof Pop3Command.Noop) {
            c.write(Pop3Responses.ok(""));
        }
    }

    private static byte[] noSuchMessage() {
        return Pop3Responses.err("No such message");
    }

    /**
     * Starts RETR's or TOP's answer: the file is opened first (a message expunged meanwhile by IMAP is a clean
     * {@code -ERR}), then streamed as the client reads ({@link Connection#stream}), never held whole.
     *
     * @return whether the message is on its way
     */
    private boolean send(Connection c, Maildrop drop, int n, Pop3DotStuffer stuffer) {
        Maildrop.Message m = drop.message(n);
        InputStream in;
        try {
            in = Files.newInputStream(spool.messagePath(drop.partition, drop.mailboxId, m.uid()));
        } catch (IOException e) {
            LOG.log(Level.FINE, "message " + m.uid() + " of " + drop.mailbox + " is gone", e);
            c.write(Pop3Responses.err("Message no longer exists"));
            return false;
        }
        c.write(Pop3Responses.ok(m.size() + " octets"));
        c.stream(new MessageStream(in, stuffer, drop.mailbox + " UID " + m.uid()));
        return true;
    }

    /** A message's lines, dot-stuffed, about {@value #CHUNK} bytes at a time; then the terminating line. */
    private static final class MessageStream implements ResponseProducer {
        private final InputStream in;
        private final Pop3DotStuffer stuffer;
        private final String what;
        private final byte[] buffer = new byte[CHUNK];
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(CHUNK + CHUNK / 8);

        MessageStream(InputStream in, Pop3DotStuffer stuffer, String what) {
            this.in = in;
            this.stuffer = stuffer;
            this.what = what;
        }

        @Override
        public boolean produce(Connection c) {
            try {
                int n = in.read(buffer);
                if (n >= 0 && stuffer.write(buffer, 0, n, out)) {
                    c.write(out.toByteArray());
                    out.reset();
                    return true;
                }
                stuffer.finish(out);
                c.write(out.toByteArray());
                close();
                return false;
            } catch (IOException e) {
                // part of the message is on its way: nothing the client could read can follow
                LOG.log(Level.WARNING, "MURDER-POP3-004 reading " + what + " failed mid-answer; closing the connection", e);
                close();
                c.close();
                return false;
            }
        }

        @Override
        public void abandon() {
            close();
        }

        private void close() {
            try {
                in.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing " + what, e);
            }
        }
    }

    /**
     * QUIT in the TRANSACTION state (RFC 1939's UPDATE): the deleted messages are expunged, the retrieved ones get
     * \Seen (with {@code popuseimapflags}, as Cyrus), the login stamp moves on ({@code popminpoll}).
     *
     * @return the answer: {@code +OK}, or {@code -ERR} if the deletions could not be made
     */
    byte[] quit(Pop3Session.Transaction t) {
        Maildrop drop = t.maildrop();
        try {
            List<Long> deleted = drop.deletedUids();
            if (!deleted.isEmpty()) {
                store.expunge(spool, drop.mailboxId, deleted);
                events.changed(drop.mailboxId);
            }
            List<Long> seen = settings.popUseImapFlags() ? drop.seenUids() : List.of();
            if (!seen.isEmpty()) {
                if (!store.store(drop.mailboxId, seen, new FlagChange(FlagChange.Mode.ADD, MessageFlags.NONE.withSeen(true)),
                        -1, new ArrayList<>()).isEmpty()) {
                    events.changed(drop.mailboxId);
                }
            }
            Duration minPoll = settings.popMinPoll();
            if (!minPoll.isZero()) {
                logins.quit(drop.mailboxId, t.login(), minPoll, settings.popPollPadding());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MURDER-POP3-005 UPDATE of " + drop.mailbox + " failed", e);
            return Pop3Responses.err("SYS/TEMP", "Some deleted messages not removed");
        }
        return Pop3Responses.ok("Bye");
    }
}
