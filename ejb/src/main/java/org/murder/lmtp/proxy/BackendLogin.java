package org.murder.lmtp.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.sasl.SaslException;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;
import org.murder.protocol.sasl.SaslClientExchange;
import org.murder.protocol.sasl.SaslMechanisms;

/**
 * The steps from a new connection to one ready for transactions, each the handler of the reply before it: greeting
 * (220), LHLO, then STARTTLS and LHLO again when the profile asks for TLS (RFC 3207: what was said before TLS is
 * forgotten), then AUTH when the profile has a password (SCRAM first, as {@link SaslClientExchange} prefers; the
 * backend's signature is checked). Any other answer ends the connection with the reason.
 */
final class BackendLogin {

    private final BackendProfile profile;
    private final BackendConnection connection;
    private boolean tlsDone;
    /** The LHLO reply's capability lines (the last LHLO's). */
    private List<String> capabilities = List.of();

    BackendLogin(BackendProfile profile, BackendConnection connection) {
        this.profile = profile;
        this.connection = connection;
    }

    BackendConnection.ReplyHandler greeting() {
        return step(220, "greeting", this::lhlo);
    }

    private void lhlo() {
        send(new LmtpCommand.Lhlo(profile.lhloName()), step(250, "LHLO", this::afterLhlo) /* capabilities read there */);
    }

    private void afterLhlo() {
        if (profile.tls() && !tlsDone) {
            if (!offers("STARTTLS")) {
                connection.fail("TLS is required towards " + profile.server() + ", which does not offer STARTTLS");
                return;
            }
            send(new LmtpCommand.StartTls(), step(220, "STARTTLS", () -> {
                tlsDone = true;
                connection.startTls();
                lhlo();
            }));
            return;
        }
        authenticate();
    }

    /**
     * AUTH as {@code proxy_authname} for itself (no authzid: one LMTP connection carries mail for every user, as
     * Cyrus's lmtpproxyd's does; the backend lists this identity in {@code proxyservers} or {@code admins}). Without a
     * password the backend must trust this frontend as it is (its loopback, {@code lmtp_trust_loopback}).
     */
    private void authenticate() {
        if (profile.password().isEmpty()) {
            connection.loggedIn();
            return;
        }
        List<String> preferred = SaslMechanisms.supported().stream()
                .filter(m -> profile.mechanisms().isEmpty() || profile.mechanisms().contains(m))
                .toList();
        SaslClientExchange exchange;
        try {
            exchange = new SaslClientExchange(authMechanisms(), preferred, profile.authname(),
                    profile.password().toCharArray(), "");
        } catch (SaslException e) {
            connection.fail("cannot authenticate to " + profile.server() + ": " + e.getMessage());
            return;
        }
        send(new LmtpCommand.Auth(exchange.mechanism(), exchange.initialResponse()), authReply(exchange));
    }

    /** The mechanisms of the LHLO reply's {@code AUTH} line. */
    List<String> authMechanisms() {
        for (String c : capabilities) {
            String[] words = c.trim().split("\\s+");
            if (words.length > 1 && words[0].equalsIgnoreCase("AUTH")) {
                return List.of(words).subList(1, words.length);
            }
        }
        return List.of();
    }

    private BackendConnection.ReplyHandler authReply(SaslClientExchange exchange) {
        return new BackendConnection.ReplyHandler() {
            @Override
            public void reply(LmtpReply reply) {
                if (reply.code() == 334) {
                    SaslClientExchange.Step step = exchange.step(reply.text());
                    if (step instanceof SaslClientExchange.Respond respond) {
                        connection.send((respond.base64() + "\r\n").getBytes(StandardCharsets.US_ASCII),
                                List.of(authReply(exchange)));
                    } else {
                        connection.fail("AUTH to " + profile.server() + " abandoned: " + ((SaslClientExchange.Failed) step).reason());
                    }
                } else if (reply.code() == 235) {
                    SaslClientExchange.Step done = exchange.success(Optional.empty());
                    if (done instanceof SaslClientExchange.Done) {
                        connection.loggedIn();
                    } else {
                        connection.fail("AUTH to " + profile.server() + ": " + ((SaslClientExchange.Failed) done).reason());
                    }
                } else {
                    connection.fail("AUTH as " + profile.authname() + " refused by " + profile.server() + ": "
                            + reply.code() + " " + reply.text());
                }
            }

            @Override
            public void failed(String why) {
                // the connection's end already told whoever waits for the login
            }
        };
    }

    List<String> capabilities() {
        return capabilities;
    }

    boolean offers(String capability) {
        String wanted = capability.toUpperCase(Locale.ROOT);
        return capabilities.stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).equals(wanted)
                || c.toUpperCase(Locale.ROOT).startsWith(wanted + " "));
    }

    private void send(LmtpCommand command, BackendConnection.ReplyHandler handler) {
        if (!connection.send(command, handler)) {
            // the connection ended meanwhile; its end was reported already
            return;
        }
    }

    /** A handler that expects {@code code} and goes on with {@code next}; anything else ends the connection. */
    private BackendConnection.ReplyHandler step(int code, String what, Runnable next) {
        return new BackendConnection.ReplyHandler() {
            @Override
            public void reply(LmtpReply reply) {
                if (reply.code() != code) {
                    connection.fail(what + " answered " + reply.code() + " " + reply.text());
                    return;
                }
                if (code == 250 && what.equals("LHLO")) {
                    capabilities = reply.lines().subList(1, reply.lines().size());
                }
                next.run();
            }

            @Override
            public void failed(String why) {
                // the connection's end already told whoever waits for the login
            }
        };
    }
}
