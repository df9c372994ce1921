package org.murder.pop3;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.sasl.SaslException;
import org.murder.connector.api.Connection;
import org.murder.connector.api.OutboundConnection;
import org.murder.connector.api.OutboundConnections;
import org.murder.connector.api.OutboundHandler;
import org.murder.protocol.pop3.Pop3Command;
import org.murder.protocol.pop3.Pop3CommandEncoder;
import org.murder.protocol.pop3.Pop3CommandParser;
import org.murder.protocol.pop3.Pop3LineDecoder;
import org.murder.protocol.pop3.Pop3ResponseScanner;
import org.murder.protocol.pop3.Pop3Responses;
import org.murder.protocol.sasl.SaslClientExchange;
import org.murder.protocol.sasl.SaslMechanisms;
import org.murder.proxy.Deadlines;

/**
 * One proxied POP3 session: this frontend's connection to the backend that holds the user's INBOX. It logs in there as
 * the proxy identity acting for the user (Cyrus: {@code proxy_authname}, the user as SASL authorization identity), then
 * passes the client's commands on one at a time and the backend's answers back byte for byte — a message is never held
 * whole, and a client that does not read stops the backend being read. Event-driven on the adapter's transport: no
 * thread waits for the backend.
 */
final class Pop3BackendRelay implements OutboundHandler {

    private static final Logger LOG = Logger.getLogger(Pop3BackendRelay.class.getName());
    /** How long a backend has to close after our QUIT before we close ourselves. */
    private static final Duration QUIT_WAIT = Duration.ofSeconds(5);

    /** How to log in at the backend. */
    record Login(String authname, char[] password, String user, Set<String> mechanisms, boolean tls) {
    }

    private enum Phase { GREETING, STLS, CAPA, AUTH, READY, CLOSED }

    private final Connection client;
    private final Pop3Session session;
    private final String server;
    private final Login login;
    private final Duration timeout;
    private final Deadlines deadlines;
    private OutboundConnection connection;

    private Phase phase = Phase.GREETING;
    /** Login: the backend's lines (CAPA's listing, SASL challenges). */
    private final Pop3LineDecoder lines = new Pop3LineDecoder(64 * 1024);
    private boolean inCapaListing;
    private final List<String> offered = new ArrayList<>();
    private SaslClientExchange sasl;
    /** Relay: where the answer to the command passed on ends. */
    private final Pop3ResponseScanner scanner = new Pop3ResponseScanner();
    private boolean pending;
    private boolean answerStarted;
    private boolean quitting;
    private Deadlines.Deadline deadline;

    private Pop3BackendRelay(Connection client, Pop3Session session, String server, Login login, Duration timeout,
                             Deadlines deadlines) {
        this.client = client;
        this.session = session;
        this.server = server;
        this.login = login;
        this.timeout = timeout;
        this.deadlines = deadlines;
    }

    /**
     * Starts connecting and logging in; the client's commands are held until the login's outcome, which the client
     * hears as the answer to its own login.
     */
    static Pop3BackendRelay open(OutboundConnections transport, InetSocketAddress address, Connection client,
                                 Pop3Session session, String server, Login login, Duration timeout, Deadlines deadlines) {
        Pop3BackendRelay relay = new Pop3BackendRelay(client, session, server, login, timeout, deadlines);
        client.holdInput();
        session.state(new Pop3Session.Proxied(login.user(), relay));
        synchronized (relay) {
            relay.deadline = deadlines.arm(timeout, () -> relay.loginFailed("SYS/TEMP",
                    "Backend server " + server + " did not answer in time", "timed out"));
            relay.connection = transport.open(address, relay);
        }
        return relay;
    }

    // ------------------------------------------------------------------ the client's commands

    /** A command of the proxied session: passed on, its answer relayed; the client's next command waits for it. */
    void relay(Pop3Command command) {
        synchronized (this) {
            if (phase != Phase.READY) {
                client.write(Pop3Responses.err("SYS/TEMP", "Connection to the backend server lost"));
                client.close();
                return;
            }
            if (command instanceof Pop3Command.Authorization) {
                client.write(Pop3Responses.err("Unrecognized command")); // logged in already: what the backend would say
                return;
            }
            pending = true;
            answerStarted = false;
            quitting = command instanceof Pop3Command.Quit;
            scanner.expect(Pop3Command.multiLine(command));
            client.holdInput();
            deadline = deadlines.arm(timeout, this::answerTimedOut);
            connection.write(Pop3CommandEncoder.encode(command));
        }
    }

    private void answerTimedOut() {
        synchronized (this) {
            if (!pending || answerStarted) {
                return;
            }
            LOG.warning(() -> "MURDER-POP3-011 backend " + server + " did not answer in time; closing the session");
            client.write(Pop3Responses.err("SYS/TEMP", "Backend server " + server + " did not answer in time"));
            pending = false;
            phase = Phase.CLOSED;
        }
        client.close();
        connection.close();
    }

    /**
     * The client's session ended. After QUIT was answered the backend closes (so the socket's TIME_WAIT is the
     * backend's) and we only wait a little for it; a client gone without QUIT has its backend connection closed at
     * once, so the backend does not enter the UPDATE state either (RFC 1939 section 6).
     */
    void close() {
        OutboundConnection c;
        synchronized (this) {
            cancelDeadline();
            c = connection;
            boolean quitAnswered = phase == Phase.READY && quitting && !pending;
            phase = Phase.CLOSED;
            if (quitAnswered && c != null && c.isOpen()) {
                deadline = deadlines.arm(QUIT_WAIT, c::close); // cancelled when the backend closes
                return;
            }
        }
        if (c != null) {
            c.close();
        }
    }

    // ------------------------------------------------------------------ the transport's events

    @Override
    public void onConnected(OutboundConnection c) {
        LOG.fine(() -> "MURDER-POP3 connected to " + server);
    }

    @Override
    public void onInput(OutboundConnection c, ByteBuffer input) {
        boolean ready;
        synchronized (this) {
            ready = phase == Phase.READY;
        }
        if (ready) {
            relayAnswer(c, input);
            return;
        }
        lines.decode(input, new Pop3LineDecoder.Sink() {
            @Override
            public void line(String line) {
                loginLine(line);
            }

            @Override
            public void lineTooLong() {
                loginFailed("SYS/TEMP", "Backend server " + server + " sent what we cannot read", "an over-long line");
            }
        });
    }

    private void relayAnswer(OutboundConnection c, ByteBuffer input) {
        boolean closeClient = false;
        synchronized (this) {
            cancelDeadline();
            while (input.hasRemaining()) {
                if (!pending) {
                    LOG.fine(() -> "MURDER-POP3 " + server + " sent " + input.remaining() + " bytes nobody asked for; dropped");
                    input.position(input.limit());
                    break;
                }
                ByteBuffer part = scanner.take(input);
                byte[] bytes = new byte[part.remaining()];
                part.get(bytes);
                answerStarted = true;
                client.write(bytes);
                if (scanner.complete()) {
                    pending = false;
                    if (quitting) {
                        closeClient = true; // the backend closes after its answer to QUIT; the client is done
                    } else {
                        client.releaseInput();
                    }
                }
            }
        }
        if (closeClient) {
            client.close();
        } else if (client.congested()) {
            c.suspendReading();
            client.whenWritable(c::resumeReading);
        }
    }

    @Override
    public void onClosed(OutboundConnection c, Throwable cause) {
        Phase was;
        boolean midAnswer;
        boolean waiting;
        synchronized (this) {
            cancelDeadline();
            was = phase;
            midAnswer = pending && answerStarted;
            waiting = pending && !answerStarted;
            phase = Phase.CLOSED;
            pending = false;
        }
        if (was == Phase.CLOSED) {
            return; // our close, or a QUIT answered
        }
        if (was != Phase.READY) {
            loginFailed("SYS/TEMP", "Backend server " + server + " closed the connection", "closed during login");
            return;
        }
        if (quitting && !waiting && !midAnswer) {
            client.close();
            return;
        }
        LOG.info(() -> "MURDER-POP3-012 backend " + server + " closed a proxied session"
                + (cause == null ? "" : ": " + cause.getMessage()));
        if (waiting) {
            client.write(Pop3Responses.err("SYS/TEMP", "Connection to the backend server lost"));
        }
        client.close(); // mid-answer nothing the client could read can follow; between answers the session cannot go on
    }

    @Override
    public void onConnectFailed(OutboundConnection c, Throwable cause) {
        LOG.info(() -> "MURDER-POP3-010 cannot connect to " + server + ": " + cause);
        loginFailed("SYS/TEMP", "Backend server " + server + " is not available", String.valueOf(cause));
    }

    // ------------------------------------------------------------------ logging in at the backend

    private void loginLine(String line) {
        Runnable after = null;
        synchronized (this) {
            switch (phase) {
                case GREETING -> {
                    if (!line.startsWith("+OK")) {
                        after = () -> loginFailed("SYS/TEMP", "Backend server " + server + " is not available", "greeting " + line);
                    } else if (login.tls()) {
                        phase = Phase.STLS;
                        send("STLS");
                    } else {
                        askCapabilities();
                    }
                }
                case STLS -> {
                    if (!line.startsWith("+OK")) {
                        after = () -> loginFailed("SYS/TEMP", "Backend server " + server + " refused TLS", line);
                    } else {
                        connection.startTls();
                        lines.reset();
                        askCapabilities();
                    }
                }
                case CAPA -> after = capabilityLine(line);
                case AUTH -> after = authLine(line);
                default -> {
                }
            }
        }
        if (after != null) {
            after.run();
        }
    }

    private void askCapabilities() {
        phase = Phase.CAPA;
        inCapaListing = false;
        offered.clear();
        send("CAPA");
    }

    private Runnable capabilityLine(String line) {
        if (!inCapaListing) {
            if (!line.startsWith("+OK")) {
                offered.add("PLAIN"); // a server without CAPA: PLAIN is what it most likely takes
                return authenticate();
            }
            inCapaListing = true;
            return null;
        }
        if (!line.equals(".")) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 1 && words[0].equalsIgnoreCase("SASL")) {
                offered.addAll(List.of(words).subList(1, words.length));
            }
            return null;
        }
        return authenticate();
    }

    private Runnable authenticate() {
        try {
            List<String> preferred = SaslMechanisms.supported().stream()
                    .filter(m -> login.mechanisms().isEmpty() || login.mechanisms().contains(m)).toList();
            sasl = new SaslClientExchange(offered, preferred, login.authname(), login.password(), login.user());
        } catch (SaslException e) {
            return () -> loginFailed("SYS/TEMP", "Cannot log in to backend server " + server, e.getMessage());
        }
        phase = Phase.AUTH;
        String command = "AUTH " + sasl.mechanism();
        Optional<String> initial = sasl.initialResponse();
        // RFC 5034 section 4: an initial response that would make the line longer than 255 octets waits for "+ "
        if (initial.isPresent() && command.length() + 1 + initial.get().length() + 2 <= Pop3CommandParser.MAX_COMMAND_OCTETS) {
            command += " " + initial.get();
            send(command);
        } else {
            send(command);
            pendingInitial = initial;
        }
        return null;
    }

    /** An initial response too long for the AUTH line, sent as the answer to the first (empty) challenge. */
    private Optional<String> pendingInitial = Optional.empty();

    private Runnable authLine(String line) {
        if (line.startsWith("+OK")) {
            SaslClientExchange.Step step = sasl.success(Optional.empty());
            if (step instanceof SaslClientExchange.Failed f) {
                return () -> loginFailed("SYS/TEMP", "Backend server " + server + " did not prove itself", f.reason());
            }
            cancelDeadline();
            phase = Phase.READY;
            String text = line.length() > 3 ? line.substring(3).strip() : "";
            return () -> {
                client.write(Pop3Responses.ok(text.isEmpty() ? "Mailbox locked and ready" : text));
                client.releaseInput();
            };
        }
        if (line.startsWith("+")) {
            if (pendingInitial.isPresent()) {
                send(pendingInitial.get());
                pendingInitial = Optional.empty();
                return null;
            }
            SaslClientExchange.Step step = sasl.step(line.length() > 1 ? line.substring(1) : "");
            send(step instanceof SaslClientExchange.Respond r ? r.base64() : "*");
            return null;
        }
        if (line.toUpperCase(Locale.ROOT).startsWith("-ERR [AUTH]") || !line.startsWith("-ERR")) {
            LOG.warning(() -> "MURDER-POP3-013 " + server + " refused " + login.authname() + " acting for " + login.user()
                    + ": " + line);
            return () -> loginFailed("SYS/TEMP", "Backend server " + server + " refused the proxy's login", line);
        }
        // the user's maildrop refused there ([IN-USE], [LOGIN-DELAY], [SYS/TEMP]): the client hears it as it was said
        String refusal = line;
        return () -> loginRefused(refusal);
    }

    private void send(String line) {
        connection.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The login did not get through: the client hears {@code -ERR [code] text}, and may log in again. */
    private void loginFailed(String code, String text, String why) {
        LOG.log(Level.FINE, "POP3 login at {0} failed: {1}", new Object[] {server, why});
        endLogin(Pop3Responses.err(code, text));
    }

    private void loginRefused(String backendLine) {
        endLogin((backendLine.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private void endLogin(byte[] answer) {
        OutboundConnection c;
        synchronized (this) {
            if (phase == Phase.READY || phase == Phase.CLOSED) {
                return;
            }
            phase = Phase.CLOSED;
            cancelDeadline();
            c = connection;
        }
        session.state(new Pop3Session.Authorization(Optional.empty()));
        client.write(answer);
        client.releaseInput();
        if (c != null) {
            c.close();
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }
}
