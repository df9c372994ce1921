package org.murder.proxy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;
import org.murder.protocol.imap.client.EncodedCommand;
import org.murder.protocol.imap.client.ImapCommandEncoder;
import org.murder.protocol.imap.client.ImapEncoding;
import org.murder.protocol.imap.client.ImapEncodingException;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseCollector;
import org.murder.protocol.imap.client.ImapResponseException;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.imap.client.ImapResponseLimits;
import org.murder.protocol.imap.client.ImapResponseListener;
import org.murder.protocol.imap.client.ImapResponseReader;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.sasl.SaslClientExchange;

/**
 * One IMAP connection from this frontend to one backend, for one client session, kept for the session as Cyrus's
 * proxyd keeps it. It logs in as the proxy identity acting for the session's user (Cyrus: {@code proxy_authname}, the
 * user as authorization identity), then carries the session's commands one at a time; what the backend answers goes
 * to each command's {@link BackendReply} as it arrives. Event-driven on the adapter's transport: no thread waits for
 * the backend.
 */
public final class BackendConnection implements OutboundHandler {

    private static final Logger LOG = Logger.getLogger(BackendConnection.class.getName());

    /** A relay streams literals through, so only lines are bounded tightly (a FETCH line with a long ENVELOPE). */
    private static final ImapResponseLimits LIMITS = new ImapResponseLimits(8 << 20, Long.MAX_VALUE, 100_000,
            Long.MAX_VALUE);

    /**
     * How to log in to the backend; {@code onReady} hears what it announced once logged in (a frontend offers only
     * what every backend serves).
     */
    public record Login(String authname, char[] password, String authorize, Set<String> mechanisms, boolean tls,
                        boolean compress, java.util.function.Consumer<Set<String>> onReady) {
    }

    sealed interface State permits Opening, Asking, StartingTls, Authenticating, Compressing, Ready, Closed {
    }

    /** Logged in, COMPRESS DEFLATE sent ({@code proxy_compress}); {@code capabilities} are the logged-in ones. */
    record Compressing(Set<String> capabilities) implements State {
    }

    /** Connecting, then waiting for the greeting. */
    record Opening() implements State {
    }

    /** CAPABILITY sent: before login (what to log in with) or after it (what the session may use). */
    record Asking(boolean loggedIn) implements State {
    }

    record StartingTls() implements State {
    }

    record Authenticating(SaslClientExchange sasl) implements State {
    }

    /** Logged in: the session's commands go through. */
    record Ready(Set<String> capabilities, ImapEncoding encoding) implements State {
    }

    record Closed(String why) implements State {
    }

    /** A command on its way: sent once the ones before it have completed. */
    private static final class Exchange {
        final String tag;
        final EncodedCommand command;
        final BackendReply reply;
        int nextPart;
        /** The file of the region being sent (a spilled APPEND message), open while it is. */
        java.nio.channels.FileChannel file;
        long fileSent;

        Exchange(String tag, EncodedCommand command, BackendReply reply) {
            this.tag = tag;
            this.command = command;
            this.reply = reply;
        }
    }

    private final String server;
    private final Login login;
    private final Duration timeout;
    private final Deadlines deadlines;
    /** Runs what must not run under this connection's lock or on the caller's stack (failing a reply). */
    private final Executor executor;
    private final ImapResponseReader reader;
    private OutboundConnection connection;

    private State state = new Opening();
    private Set<String> capabilities = Set.of();
    /** Commands of the session, waiting for login and for the one before them. */
    private final ArrayDeque<PendingCommand> waiting = new ArrayDeque<>();
    private Exchange current;
    /**
     * The exchange whose file region is being sent, chunk by chunk as the transport takes them: it may outlive its
     * answer (a backend may refuse a {@code {n+}} APPEND before reading it, and must still read it), and nothing else
     * is sent before it is done.
     */
    private Exchange streaming;
    /** Read from the file per write: a chunk the transport queues, so the heap holds a few of them, not the message. */
    private static final int FILE_CHUNK = 64 * 1024;
    private int tags;
    private Deadlines.Deadline deadline;

    /** A session command not yet encoded (the encoding depends on what the backend announced). */
    private record PendingCommand(ImapCommand command, BackendReply reply) {
    }

    // what the response being read is for
    private enum Target { NONE, UNTAGGED, COLLECTED }

    private Target target = Target.NONE;
    private BackendReply untaggedTo;
    private ImapResponseCollector collector;

    private BackendConnection(String server, Login login, Duration timeout, Deadlines deadlines, Executor executor) {
        this.server = server;
        this.login = login;
        this.timeout = timeout;
        this.deadlines = deadlines;
        this.executor = executor;
        this.reader = new ImapResponseReader(LIMITS, new Dispatcher());
    }

    /** Starts connecting; commands may be sent at once and go out once logged in. */
    public static BackendConnection open(OutboundConnections transport, String server, InetSocketAddress address,
                                         Login login, Duration timeout, Deadlines deadlines, Executor executor) {
        BackendConnection b = new BackendConnection(server, login, timeout, deadlines, executor);
        synchronized (b) {
            b.armDeadline("connecting to and logging in at " + server + " took too long", timeout);
            b.connection = transport.open(address, b);
        }
        return b;
    }

    public String server() {
        return server;
    }

    public synchronized boolean usable() {
        return !(state instanceof Closed);
    }

    /** What the backend announced once logged in (empty before). */
    /**
     * RFC 5267's live results on this backend session: the tag the backend knows each by, and the client's. Their
     * updates (ESEARCH ADDTO/REMOVEFROM) come at any later command, under the backend's tag, and CANCELUPDATE names
     * them by it. A few at a time (the backend keeps at most ten); they end with the selected mailbox.
     */
    private final java.util.Map<String, String> liveTags = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, String> eldest) {
            return size() > 32;
        }
    };

    /** The client's tag of a live result the backend names by {@code backendTag}; empty when it is none. */
    public synchronized java.util.Optional<String> clientTagOfLive(String backendTag) {
        return java.util.Optional.ofNullable(liveTags.get(backendTag));
    }

    /** What the backend will read in place of {@code command}: CANCELUPDATE naming the backend's tags. */
    private ImapCommand forBackend(ImapCommand command, String tag) {
        if (command instanceof ImapCommand.Select || command instanceof ImapCommand.Examine
                || command instanceof ImapCommand.Unselect || command instanceof ImapCommand.Close) {
            liveTags.clear(); // the live results end with the mailbox (and a failed SELECT leaves none selected)
        } else if (command instanceof ImapCommand.Search se
                && se.returnOptions().contains(org.murder.protocol.imap.command.SearchReturnOption.UPDATE)
                || command instanceof ImapCommand.Sort so
                && so.returnOptions().contains(org.murder.protocol.imap.command.SearchReturnOption.UPDATE)) {
            liveTags.put(tag, command.tag());
        } else if (command instanceof ImapCommand.CancelUpdate cu) {
            java.util.List<String> tags = new java.util.ArrayList<>();
            for (String clientTag : cu.tags()) {
                String backendTag = liveTags.entrySet().stream().filter(e -> e.getValue().equals(clientTag))
                        .map(java.util.Map.Entry::getKey).findFirst().orElse("-" + clientTag); // names none there
                tags.add(backendTag);
            }
            return new ImapCommand.CancelUpdate(cu.tag(), tags);
        }
        return command;
    }

    public synchronized Set<String> capabilities() {
        return state instanceof Ready r ? r.capabilities() : Set.of();
    }

    /** Sends {@code command} (its own tag replaced by the proxy's) once the commands before it have completed. */
    public void send(ImapCommand command, BackendReply reply) {
        String why;
        synchronized (this) {
            if (!(state instanceof Closed c)) {
                waiting.add(new PendingCommand(command, reply));
                pump();
                return;
            }
            why = c.why();
        }
        reply.failed(why);
    }

    /** A line inside the current command (IDLE's DONE). */
    public synchronized void sendLine(byte[] line) {
        if (connection != null && !(state instanceof Closed)) {
            connection.write(line);
        }
    }

    /** Stops reading the backend (its client does not read); see {@link OutboundConnection#suspendReading()}. */
    public void suspendReading() {
        OutboundConnection c = connection;
        if (c != null) {
            c.suspendReading();
        }
    }

    public void resumeReading() {
        OutboundConnection c = connection;
        if (c != null) {
            c.resumeReading();
        }
    }

    /** Says LOGOUT and closes; commands still waiting hear that the session ended. */
    public void close() {
        boolean loggingOut;
        synchronized (this) {
            loggingOut = state instanceof Ready && connection != null && connection.isOpen();
            if (loggingOut) {
                connection.write(("L" + (++tags) + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        fail("the session ended", !loggingOut);
        if (loggingOut) {
            // the backend closes after its answer, so the socket's TIME_WAIT is the backend's: a frontend that
            // closed first would keep one of its ephemeral ports per session for a minute, and across hosts run
            // out of them at a few hundred sessions a second per backend; a backend that does not close is cut off
            OutboundConnection c = connection;
            Deadlines.Deadline d = deadlines.arm(LOGOUT_WAIT, c::close);
            synchronized (this) {
                logoutDeadline = d;
            }
            if (!c.isOpen()) {
                d.cancel(); // it closed before we looked: nothing to wait for, nothing kept
            }
        }
    }

    /** Armed while we wait for the backend to close after our LOGOUT; cancelled when it does. */
    private Deadlines.Deadline logoutDeadline;

    /** How long a backend has to close after our LOGOUT before we close ourselves. */
    private static final Duration LOGOUT_WAIT = Duration.ofSeconds(5);

    // ------------------------------------------------------------------ the transport's events

    @Override
    public void onConnected(OutboundConnection c) {
        LOG.fine(() -> "MURDER-PROXY connected to " + server);
    }

    @Override
    public void onInput(OutboundConnection c, ByteBuffer input) {
        synchronized (this) {
            if (state instanceof Ready) {
                cancelDeadline(); // the backend answers: a long answer (a big FETCH, a slow SEARCH) is not a dead one
            }
        }
        try {
            reader.feed(input);
        } catch (ImapResponseException e) {
            LOG.log(Level.WARNING, "MURDER-PROXY-002 unreadable response from " + server + "; closing", e);
            fail("the backend " + server + " sent what we cannot read");
            c.close();
        }
    }

    @Override
    public void onClosed(OutboundConnection c, Throwable cause) {
        synchronized (this) {
            if (logoutDeadline != null) {
                logoutDeadline.cancel();
                logoutDeadline = null;
            }
        }
        fail("the backend " + server + " closed the connection" + (cause == null ? "" : ": " + cause.getMessage()));
    }

    @Override
    public void onConnectFailed(OutboundConnection c, Throwable cause) {
        LOG.info(() -> "MURDER-PROXY-001 cannot connect to " + server + ": " + cause);
        fail("the backend " + server + " cannot be reached");
    }

    // ------------------------------------------------------------------ responses

    /** Routes the reader's events: untagged data to the current command, the rest to this connection's logic. */
    private final class Dispatcher implements ImapResponseListener {
        @Override
        public void responseStart(ImapResponseHead head) {
            BackendReply to;
            synchronized (BackendConnection.this) {
                to = current != null && state instanceof Ready && head.kind() == ImapResponseHead.Kind.UNTAGGED
                        && !head.untagged("BYE") ? current.reply : null;
                if (to == null) {
                    target = Target.COLLECTED;
                    collector = new ImapResponseCollector(BackendConnection.this::onResponse);
                    collector.responseStart(head);
                    return;
                }
                target = Target.UNTAGGED;
                untaggedTo = to;
            }
            to.untagged(head);
        }

        @Override
        public void lineBytes(ByteBuffer line) {
            if (target == Target.UNTAGGED) {
                untaggedTo.bytes(line);
            } else {
                collector.lineBytes(line);
            }
        }

        @Override
        public void literalStart(long size, boolean binary) {
            if (target == Target.COLLECTED) {
                collector.literalStart(size, binary);
            } else if (target == Target.UNTAGGED) {
                untaggedTo.literalStart(size, binary);
            }
        }

        @Override
        public void literalChunk(ByteBuffer chunk) {
            if (target == Target.UNTAGGED) {
                untaggedTo.bytes(chunk);
            } else {
                collector.literalChunk(chunk);
            }
        }

        @Override
        public void responseEnd() {
            Target was = target;
            target = Target.NONE;
            if (was == Target.UNTAGGED) {
                untaggedTo.untaggedEnd();
            } else {
                collector.responseEnd();
            }
        }
    }

    /** A whole response that is not untagged data of a session command. */
    private void onResponse(ImapResponse r) {
        ImapResponseHead head = r.head();
        BackendReply done = null;
        Runnable after = null;
        synchronized (this) {
            if (head.untagged("BYE")) {
                if (!(state instanceof Closed)) { // not the answer to our own LOGOUT
                    LOG.info(() -> "MURDER-PROXY-003 " + server + " says BYE: " + head.text());
                }
                after = () -> fail("the backend " + server + " ended the session: " + head.text());
            } else if (state instanceof Opening) {
                after = greeting(head);
            } else if (head.kind() == ImapResponseHead.Kind.UNTAGGED) {
                if (head.untagged("CAPABILITY")) {
                    capabilities = words(head.text());
                }
                // other unsolicited data between commands is not the client's to see now
            } else if (head.continuation()) {
                after = continuation(head);
            } else if (current == null || !head.tag().orElse("").equals(current.tag)) {
                after = () -> fail("the backend " + server + " answered a command it was not sent");
            } else {
                Exchange finished = current;
                current = null;
                cancelDeadline();
                if (state instanceof Ready) {
                    done = finished.reply;
                } else {
                    after = loginStep(r);
                }
                pump();
            }
        }
        if (done != null) {
            done.tagged(r);
        }
        if (after != null) {
            after.run();
        }
    }

    private Runnable greeting(ImapResponseHead head) {
        if (head.status().orElse(null) != ImapResponseHead.Status.OK) {
            return () -> fail("the backend " + server + " greeted with " + head.keyword() + " " + head.text());
        }
        head.code().filter(code -> code.name().equals("CAPABILITY")).ifPresent(code -> capabilities = words(code.arguments()));
        if (capabilities.isEmpty()) {
            state = new Asking(false);
            internal("CAPABILITY");
            return null;
        }
        return afterCapabilities();
    }

    /** With the capabilities known: TLS if wanted and not yet on, else log in. */
    private Runnable afterCapabilities() {
        if (login.tls() && !connection.isTls()) {
            if (!capabilities.contains("STARTTLS")) {
                return () -> fail("the backend " + server + " does not offer STARTTLS (" + server + "_tls is on)");
            }
            state = new StartingTls();
            internal("STARTTLS");
            return null;
        }
        List<String> offered = new ArrayList<>();
        for (String cap : capabilities) {
            if (cap.startsWith("AUTH=")) {
                offered.add(cap.substring(5));
            }
        }
        SaslClientExchange sasl;
        try {
            List<String> preferred = org.murder.protocol.sasl.SaslMechanisms.supported().stream()
                    .filter(m -> login.mechanisms().isEmpty() || login.mechanisms().contains(m)).toList();
            sasl = new SaslClientExchange(offered, preferred, login.authname(), login.password(), login.authorize());
        } catch (SaslException e) {
            return () -> fail("cannot log in at " + server + ": " + e.getMessage());
        }
        state = new Authenticating(sasl);
        StringBuilder line = new StringBuilder("AUTHENTICATE ").append(sasl.mechanism());
        if (capabilities.contains("SASL-IR")) {
            sasl.initialResponse().ifPresent(ir -> line.append(' ').append(ir));
        }
        internal(line.toString());
        return null;
    }

    private Runnable continuation(ImapResponseHead head) {
        if (state instanceof Authenticating a) {
            SaslClientExchange.Step step = a.sasl().step(head.text());
            if (step instanceof SaslClientExchange.Respond respond) {
                connection.write(ImapCommandEncoder.authenticateLine(respond.base64()));
            } else {
                connection.write(ImapCommandEncoder.authenticateLine("*"));
            }
            return null;
        }
        if (current == null) {
            return () -> fail("the backend " + server + " asked for more of a command it was not sent");
        }
        if (current.nextPart < current.command.parts().size()) {
            writeParts(current);
            return null;
        }
        BackendReply to = current.reply;
        return () -> to.continuation(head);
    }

    /** The tagged answer to one of our own commands while logging in. */
    private Runnable loginStep(ImapResponse r) {
        ImapResponseHead head = r.head();
        if (state instanceof Compressing z) {
            if (head.status().orElse(null) == ImapResponseHead.Status.OK) {
                connection.startCompression(); // the backend compresses from the byte after its OK
            } else {
                LOG.info(() -> "MURDER-PROXY-010 " + server + " refused COMPRESS: " + head.text() + "; going on without");
            }
            capabilities = z.capabilities();
            ready();
            return null;
        }
        if (head.status().orElse(null) != ImapResponseHead.Status.OK) {
            if (state instanceof Authenticating) {
                LOG.warning(() -> "MURDER-PROXY-004 " + server + " refused " + login.authname() + " acting for "
                        + login.authorize() + ": " + head.text());
                return () -> fail("the backend " + server + " refused the proxy's login");
            }
            return () -> fail("the backend " + server + " refused " + head.text());
        }
        if (state instanceof Asking asking) {
            if (asking.loggedIn()) {
                ready();
                return null;
            }
            return afterCapabilities();
        }
        if (state instanceof StartingTls) {
            connection.startTls();
            capabilities = Set.of(); // what a server announced before TLS does not hold after it
            state = new Asking(false);
            internal("CAPABILITY");
            return null;
        }
        if (state instanceof Authenticating a) {
            SaslClientExchange.Step step = a.sasl().success(Optional.empty());
            if (step instanceof SaslClientExchange.Failed f) {
                return () -> fail("the backend " + server + " did not prove itself: " + f.reason());
            }
            head.code().filter(code -> code.name().equals("CAPABILITY"))
                    .ifPresent(code -> capabilities = words(code.arguments()));
            if (capabilities.contains("IMAP4REV1") && capabilities.stream().noneMatch(cap -> cap.startsWith("AUTH="))) {
                ready();
            } else {
                // no list, or the one from before login: ask for the logged-in one
                capabilities = Set.of();
                state = new Asking(true);
                internal("CAPABILITY");
            }
        }
        return null;
    }

    private void ready() {
        if (login.compress() && capabilities.contains("COMPRESS=DEFLATE") && !(state instanceof Compressing)) {
            state = new Compressing(Set.copyOf(capabilities));
            internal("COMPRESS DEFLATE");
            return;
        }
        state = new Ready(Set.copyOf(capabilities), ImapEncoding.forCapabilities(capabilities));
        cancelDeadline();
        login.onReady().accept(capabilities);
        pump();
    }

    /** One of our own commands (login steps); it goes before the session's. */
    private void internal(String text) {
        String tag = "M" + (++tags);
        current = new Exchange(tag, null, null);
        connection.write((tag + " " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends the next session command when nothing is in flight and we are logged in. */
    private void pump() {
        if (current != null || streaming != null || !(state instanceof Ready ready) || waiting.isEmpty()) {
            return;
        }
        PendingCommand next = waiting.poll();
        String tag = "P" + (++tags);
        EncodedCommand encoded;
        try {
            encoded = ImapCommandEncoder.encode(forBackend(next.command(), tag), tag, ready.encoding());
        } catch (ImapEncodingException e) {
            BackendReply r = next.reply();
            executor.execute(() -> r.failed("the command cannot be passed on: " + e.getMessage()));
            pump();
            return;
        }
        if (next.command() instanceof ImapCommand.Enable en && ready.capabilities().contains("IMAP4REV2")
                && !ready.encoding().utf8Accept() && en.capabilities().stream().anyMatch("IMAP4rev2"::equalsIgnoreCase)) {
            // RFC 9051 §5.1: once the backend's session is rev2, names travel as UTF-8 — from the next command on, which
            // the backend reads after this ENABLE has run
            state = new Ready(ready.capabilities(), ready.encoding().withUtf8Accept(true));
        }
        current = new Exchange(tag, encoded, next.reply());
        if (!(next.command() instanceof ImapCommand.Idle)) {
            armDeadline("the backend " + server + " did not answer in time", timeout.multipliedBy(10));
        }
        writeParts(current);
    }

    /**
     * Writes the command's parts up to the next one that must wait for the backend's {@code +}, or until the transport's
     * queue is full in the middle of a file region ({@link #onWritable} goes on).
     */
    private void writeParts(Exchange e) {
        List<EncodedCommand.Part> parts = e.command.parts();
        while (e.nextPart < parts.size()) {
            EncodedCommand.Part p = parts.get(e.nextPart);
            if (p instanceof EncodedCommand.FileRegion region) {
                if (!writeFile(e, region)) {
                    return;
                }
            } else {
                connection.write(((EncodedCommand.Bytes) p).bytes());
            }
            e.nextPart++;
            if (p.awaitContinuation()) {
                return;
            }
        }
    }

    /** Sends the region in chunks while the transport takes them; false when it must wait for {@link #onWritable}. */
    private boolean writeFile(Exchange e, EncodedCommand.FileRegion region) {
        try {
            if (streaming != e) {
                streaming = e;
                e.fileSent = 0;
                e.file = java.nio.channels.FileChannel.open(region.file(), java.nio.file.StandardOpenOption.READ);
            }
            while (e.fileSent < region.length()) {
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(FILE_CHUNK, region.length() - e.fileSent));
                while (chunk.hasRemaining()) {
                    if (e.file.read(chunk, region.offset() + e.fileSent + chunk.position()) < 0) {
                        throw new java.io.EOFException("the file ends before the literal's " + region.length() + " bytes");
                    }
                }
                e.fileSent += chunk.capacity();
                if (!connection.write(chunk.flip())) {
                    return false; // past the high-water mark: onWritable goes on
                }
            }
            closeFile(e);
            return true;
        } catch (java.io.IOException x) {
            try {
                if (e.file != null) {
                    e.file.close();
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                // failing anyway
            }
            // the backend counts on the literal's bytes: the connection cannot carry another command (streaming stays
            // set, so nothing else is sent before fail closes it)
            LOG.log(Level.WARNING, "MURDER-PROXY-008 cannot read the message to send to " + server, x);
            executor.execute(() -> fail("the message could not be read: " + x.getMessage()));
            return false;
        }
    }

    private void closeFile(Exchange e) {
        if (e.file != null) {
            try {
                e.file.close();
            } catch (java.io.IOException ignored) {
                // read only: nothing was lost
            }
            e.file = null;
        }
        if (streaming == e) {
            streaming = null;
        }
    }

    @Override
    public void onWritable(OutboundConnection c) {
        synchronized (this) {
            Exchange e = streaming;
            if (e == null || state instanceof Closed) {
                return;
            }
            writeParts(e);
            if (streaming == null && e != current) {
                pump(); // it was answered before it was all sent: now the next command may go
            }
        }
    }

    // ------------------------------------------------------------------ failure

    /** Everything in flight and waiting hears {@code why}; the connection is of no more use. */
    private void fail(String why) {
        fail(why, true);
    }

    private void fail(String why, boolean closeConnection) {
        List<BackendReply> told = new ArrayList<>();
        synchronized (this) {
            if (state instanceof Closed) {
                return;
            }
            state = new Closed(why);
            cancelDeadline();
            if (streaming != null) {
                closeFile(streaming);
            }
            if (current != null && current.reply != null) {
                told.add(current.reply);
            }
            current = null;
            waiting.forEach(p -> told.add(p.reply()));
            waiting.clear();
        }
        told.forEach(r -> r.failed(why));
        OutboundConnection c = connection;
        if (closeConnection && c != null && c.isOpen()) {
            c.close();
        }
    }

    private void armDeadline(String why, Duration timeout) {
        cancelDeadline();
        if (timeout.isZero() || timeout.isNegative()) {
            return;
        }
        deadline = deadlines.arm(timeout, () -> {
            LOG.info(() -> "MURDER-PROXY-005 " + why);
            fail(why);
        });
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    /** The upper-cased words of a CAPABILITY list (read for every proxied session: no regex). */
    static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(text.substring(start, i).toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }
}
