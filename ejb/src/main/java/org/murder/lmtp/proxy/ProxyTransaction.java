package org.murder.lmtp.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.murder.protocol.lmtp.DotStuffingOutputStream;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReplies;
import org.murder.protocol.lmtp.LmtpReply;

/**
 * One client LMTP transaction on a frontend, split into one transaction per backend (a <em>leg</em>: MAIL FROM with
 * the client's parameters, that backend's recipients, DATA), with the per-recipient replies to the client's DATA
 * put back in the client's RCPT order. Recipients this node delivers itself (a unified node) take their place in
 * that order too ({@link #addLocal()}, {@link #localReply}).
 *
 * <p>What the client hears, and when:
 * <ul>
 *   <li>RCPT for a backend is answered once that backend has answered it (its own 250, 4xx or 5xx, passed on as
 *       it is: Cyrus's lmtpproxyd does the same), so a recipient the backend refuses is refused at RCPT time. The
 *       client's input is held meanwhile ({@link Client#holdInput()}) instead of a thread waiting.</li>
 *   <li>DATA: the 354 goes out once every backend with recipients has answered its DATA (a backend that refuses
 *       DATA gives its recipients that refusal at the end).</li>
 *   <li>The body is dot-stuffed once and streamed to every backend as it arrives; when one cannot keep up, the
 *       client's input is held until it has drained: no message is kept in memory.</li>
 *   <li>After the final dot, one reply per recipient, in the client's order, once all are known: a 250 is the
 *       backend's own 250. A backend that is down, refuses the connection, breaks it or says nothing for
 *       {@code proxy_timeout} gives its recipients {@code 451 4.4.3}; the others are delivered all the same.</li>
 * </ul>
 *
 * <p>Thread-safe: the client's commands come on its worker threads one at a time, the backends' replies on transport
 * workers; all of it under this object's lock, which writes to the client (never blocking) but never waits.
 */
public final class ProxyTransaction {

    /** The client connection, as far as the transaction needs it. */
    public interface Client {
        void write(byte[] bytes);

        void holdInput();

        void releaseInput();
    }

    private enum Phase { ENVELOPE, GO_AHEAD, BODY, REPLIES, DONE, ABORTED }

    private final LmtpCommand.Mail mail;
    private final BackendPool pool;
    private final Client client;
    private final byte[] traceHeader;
    private final Map<String, Leg> legs = new LinkedHashMap<>();
    /** One entry per accepted recipient, in the client's order; null until its DATA reply is known. */
    private final List<byte[]> replies = new ArrayList<>();
    private final ByteArrayOutputStream stuffed = new ByteArrayOutputStream();
    private final DotStuffingOutputStream stuffer = new DotStuffingOutputStream(stuffed);
    private Phase phase = Phase.ENVELOPE;
    private int awaitedGoAheads;
    private int congested;
    /** The end of the stuffed message (a last CRLF if missing, then the dot), the same for every backend. */
    private byte[] finalDot;

    /**
     * @param mail        the client's MAIL FROM, passed on to every backend with its parameters
     * @param traceHeader what goes before the body to the backends (this frontend's {@code Received:} line)
     */
    public ProxyTransaction(LmtpCommand.Mail mail, BackendPool pool, Client client, byte[] traceHeader) {
        this.mail = Objects.requireNonNull(mail, "mail");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.client = Objects.requireNonNull(client, "client");
        this.traceHeader = traceHeader.clone();
    }

    /** The transaction this frontend keeps with one backend. */
    private final class Leg {
        final BackendProfile backend;
        BackendConnection connection;
        boolean acquiring;
        /** Set once the backend is out of this transaction: down, refused, broken, timed out. */
        String failure;
        /** The backend refused MAIL FROM or DATA: its recipients hear this. */
        LmtpReply refusal;
        boolean goAhead;
        /** RCPTs waiting for the connection (at most one: the client's input is held meanwhile). */
        final List<LmtpCommand.Rcpt> waiting = new ArrayList<>();
        /** This backend's accepted recipients: indexes into {@link #replies}, in its RCPT order. */
        final List<Integer> slots = new ArrayList<>();

        Leg(BackendProfile backend) {
            this.backend = backend;
        }

        boolean live() {
            return failure == null && connection != null;
        }
    }

    // ------------------------------------------------------------------ envelope

    /** A recipient this node delivers itself; the caller has answered its RCPT. Returns its place for {@link #localReply}. */
    public synchronized int addLocal() {
        requirePhase(Phase.ENVELOPE);
        replies.add(null);
        return replies.size() - 1;
    }

    /** True once any recipient was accepted (locally or by a backend). */
    public synchronized boolean hasRecipients() {
        return !replies.isEmpty();
    }

    /** True when some accepted recipient is on a backend. */
    public synchronized boolean hasRemoteRecipients() {
        return legs.values().stream().anyMatch(l -> !l.slots.isEmpty());
    }

    /** A recipient on {@code backend}: answered (to the client) when the backend has answered it. */
    public synchronized void rcpt(BackendProfile backend, LmtpCommand.Rcpt rcpt) {
        requirePhase(Phase.ENVELOPE);
        Leg leg = legs.computeIfAbsent(backend.server(), k -> new Leg(backend));
        if (leg.failure != null) {
            client.write(LmtpReplies.remoteServerUnavailable());
            return;
        }
        if (leg.refusal != null) {
            client.write(LmtpReplies.encode(leg.refusal));
            return;
        }
        client.holdInput();
        if (leg.connection != null) {
            sendRcpt(leg, rcpt);
            return;
        }
        leg.waiting.add(rcpt);
        if (!leg.acquiring) {
            leg.acquiring = true;
            pool.acquire(backend, lease -> leased(leg, lease));
        }
    }

    private synchronized void leased(Leg leg, BackendPool.Lease lease) {
        leg.acquiring = false;
        if (lease instanceof BackendPool.Lent lent) {
            if (phase == Phase.ABORTED) {
                pool.release(lent.connection());
                return;
            }
            leg.connection = lent.connection();
            // pipelined (RFC 2920): MAIL's reply is read before the RCPT's, which it decides
            if (!leg.connection.send(mail, mailReply(leg))) {
                legFailed(leg, "the connection ended");
            }
        } else {
            legFailed(leg, ((BackendPool.Refused) lease).why());
        }
        List<LmtpCommand.Rcpt> waiting = List.copyOf(leg.waiting);
        leg.waiting.clear();
        for (LmtpCommand.Rcpt r : waiting) {
            if (leg.failure != null) {
                answerRcpt(LmtpReplies.remoteServerUnavailable());
            } else {
                sendRcpt(leg, r);
            }
        }
    }

    private BackendConnection.ReplyHandler mailReply(Leg leg) {
        return new BackendConnection.ReplyHandler() {
            @Override
            public void reply(LmtpReply reply) {
                synchronized (ProxyTransaction.this) {
                    if (!reply.positive() && leg.refusal == null) {
                        leg.refusal = reply; // e.g. 552 5.3.4 for a declared SIZE over the backend's limit
                    }
                }
            }

            @Override
            public void failed(String why) {
                // the RCPT sent with it hears of it too
            }
        };
    }

    private void sendRcpt(Leg leg, LmtpCommand.Rcpt rcpt) {
        boolean sent = leg.connection.send(rcpt, new BackendConnection.ReplyHandler() {
            @Override
            public void reply(LmtpReply reply) {
                synchronized (ProxyTransaction.this) {
                    if (phase == Phase.ABORTED) {
                        return;
                    }
                    if (leg.refusal != null) {
                        answerRcpt(LmtpReplies.encode(leg.refusal));
                    } else if (reply.positive()) {
                        replies.add(null);
                        leg.slots.add(replies.size() - 1);
                        answerRcpt(LmtpReplies.encode(reply));
                    } else {
                        answerRcpt(LmtpReplies.encode(reply));
                    }
                }
            }

            @Override
            public void failed(String why) {
                synchronized (ProxyTransaction.this) {
                    legFailed(leg, why);
                    if (phase != Phase.ABORTED) {
                        answerRcpt(LmtpReplies.remoteServerUnavailable());
                    }
                }
            }
        });
        if (!sent) {
            legFailed(leg, "the connection ended");
            answerRcpt(LmtpReplies.remoteServerUnavailable());
        }
    }

    private void answerRcpt(byte[] reply) {
        client.write(reply);
        client.releaseInput();
    }

    // ------------------------------------------------------------------ DATA

    /**
     * The client's DATA, with at least one recipient accepted (the caller has switched its decoder to the message).
     * The 354 goes out once every backend has answered its own DATA.
     */
    public synchronized void data() {
        requirePhase(Phase.ENVELOPE);
        if (replies.isEmpty()) {
            throw new IllegalStateException("DATA without recipients");
        }
        phase = Phase.GO_AHEAD;
        client.holdInput();
        for (Leg leg : legs.values()) {
            if (leg.slots.isEmpty() || !leg.live() || leg.refusal != null) {
                continue;
            }
            awaitedGoAheads++;
            boolean sent = leg.connection.send(new LmtpCommand.Data(), new BackendConnection.ReplyHandler() {
                @Override
                public void reply(LmtpReply reply) {
                    synchronized (ProxyTransaction.this) {
                        if (reply.code() == 354) {
                            leg.goAhead = true;
                        } else {
                            leg.refusal = reply;
                        }
                        goAheadAnswered();
                    }
                }

                @Override
                public void failed(String why) {
                    synchronized (ProxyTransaction.this) {
                        legFailed(leg, why);
                        goAheadAnswered();
                    }
                }
            });
            if (!sent) {
                legFailed(leg, "the connection ended");
                awaitedGoAheads--;
            }
        }
        if (awaitedGoAheads == 0) {
            startBody();
        }
    }

    private void goAheadAnswered() {
        if (--awaitedGoAheads == 0 && phase == Phase.GO_AHEAD) {
            startBody();
        }
    }

    private void startBody() {
        phase = Phase.BODY;
        if (traceHeader.length > 0) {
            sendBody(traceHeader);
        }
        client.write(LmtpReplies.goAhead());
        if (congested == 0) {
            client.releaseInput();
        }
    }

    /** Part of the message as the client sent it (dot-stuffing already undone), on its way to every backend. */
    public synchronized void chunk(byte[] bytes) {
        if (phase != Phase.BODY) {
            return;
        }
        sendBody(bytes);
    }

    private void sendBody(byte[] bytes) {
        byte[] out = stuff(bytes, false);
        if (out.length == 0) {
            return;
        }
        for (Leg leg : legs.values()) {
            if (leg.goAhead && leg.live() && !leg.connection.sendBody(out, () -> drained(leg))) {
                if (congested++ == 0) {
                    client.holdInput(); // the client waits for the slowest backend; nothing piles up here
                }
            }
        }
    }

    private synchronized void drained(Leg leg) {
        if (--congested == 0 && phase == Phase.BODY) {
            client.releaseInput();
        }
    }

    private byte[] stuff(byte[] bytes, boolean finish) {
        try {
            stuffer.write(bytes);
            if (finish) {
                stuffer.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] out = stuffed.toByteArray();
        stuffed.reset();
        return out;
    }

    /**
     * The client's message ended. {@code tooLarge}: over this node's {@code maxmessagesize} — the backends' copies
     * are abandoned (their connections closed, so that nothing truncated is delivered), and every backend recipient
     * hears {@code tooLargeReply}. Otherwise the final dot goes to every backend, whose replies fill their
     * recipients' places. Local recipients' replies come through {@link #localReply}.
     */
    public synchronized void end(boolean tooLarge, byte[] tooLargeReply) {
        if (phase != Phase.BODY) {
            return;
        }
        phase = Phase.REPLIES;
        client.holdInput();
        for (Leg leg : legs.values()) {
            if (leg.slots.isEmpty()) {
                continue;
            }
            if (tooLarge) {
                if (leg.connection != null && leg.goAhead) {
                    leg.connection.discard("message over the size limit abandoned");
                    leg.connection = null;
                }
                fill(leg, tooLargeReply);
            } else if (leg.failure != null) {
                fill(leg, LmtpReplies.remoteServerUnavailable());
            } else if (leg.refusal != null) {
                fill(leg, LmtpReplies.encode(leg.refusal));
            } else {
                endLeg(leg);
            }
        }
        completeIfKnown();
    }

    private void endLeg(Leg leg) {
        if (finalDot == null) {
            finalDot = stuff(new byte[0], true);
        }
        List<BackendConnection.ReplyHandler> handlers = new ArrayList<>(leg.slots.size());
        for (int slot : leg.slots) {
            handlers.add(new BackendConnection.ReplyHandler() {
                @Override
                public void reply(LmtpReply reply) {
                    synchronized (ProxyTransaction.this) {
                        set(slot, LmtpReplies.encode(reply));
                    }
                }

                @Override
                public void failed(String why) {
                    synchronized (ProxyTransaction.this) {
                        legFailed(leg, why);
                        set(slot, LmtpReplies.remoteServerUnavailable());
                    }
                }
            });
        }
        if (!leg.connection.send(finalDot, handlers)) {
            legFailed(leg, "the connection ended");
            fill(leg, LmtpReplies.remoteServerUnavailable());
        }
    }

    /** The DATA reply of a recipient delivered here. */
    public synchronized void localReply(int slot, byte[] reply) {
        set(slot, reply);
    }

    private void fill(Leg leg, byte[] reply) {
        for (int slot : leg.slots) {
            if (replies.get(slot) == null) {
                replies.set(slot, reply);
            }
        }
    }

    private void set(int slot, byte[] reply) {
        if (replies.get(slot) == null) {
            replies.set(slot, reply);
        }
        completeIfKnown();
    }

    private void completeIfKnown() {
        if (phase != Phase.REPLIES || replies.contains(null)) {
            return;
        }
        phase = Phase.DONE;
        int size = replies.stream().mapToInt(r -> r.length).sum();
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] r : replies) {
            System.arraycopy(r, 0, all, at, r.length);
            at += r.length;
        }
        // the connections go back to the pool before the client hears the end: its next transaction finds them there
        releaseConnections();
        client.write(all);
        client.releaseInput();
    }

    /** True once every recipient's reply has gone to the client. */
    public synchronized boolean done() {
        return phase == Phase.DONE;
    }

    // ------------------------------------------------------------------ the end

    /**
     * The client gave the transaction up (RSET, LHLO, QUIT, a new STARTTLS, or it went away): connections between
     * commands go back to the pool (the next lease's RSET ends their transactions there); one in the middle of a
     * message or a reply is closed.
     */
    public synchronized void abort() {
        if (phase == Phase.DONE || phase == Phase.ABORTED) {
            return;
        }
        phase = Phase.ABORTED;
        releaseConnections();
    }

    private void releaseConnections() {
        for (Leg leg : legs.values()) {
            BackendConnection c = leg.connection;
            leg.connection = null;
            if (c != null && leg.failure == null) {
                pool.release(c); // closes it unless it is between commands
            }
        }
    }

    private void legFailed(Leg leg, String why) {
        if (leg.failure == null) {
            leg.failure = why;
            // its recipients hear 451: the operator needs to know why
            java.util.logging.Logger.getLogger(ProxyTransaction.class.getName()).info(() -> "MURDER-LMTP-020 backend "
                    + leg.backend.server() + " out of the transaction: " + why);
        }
        if (leg.connection != null) {
            leg.connection.discard(why);
            leg.connection = null;
        }
    }

    private void requirePhase(Phase expected) {
        if (phase != expected) {
            throw new IllegalStateException("transaction in " + phase + ", not " + expected);
        }
    }

    @Override
    public synchronized String toString() {
        return "LMTP transaction " + phase + " to " + legs.keySet() + ", " + replies.size() + " recipients";
    }
}
