package org.murder.lmtp.proxy;

import java.util.List;
import java.util.Locale;
import org.murder.protocol.lmtp.LmtpCommand;
import org.murder.protocol.lmtp.LmtpReply;

/**
 * The steps from a new connection to one ready for transactions, each the handler of the reply before it: greeting
 * (220), LHLO, then STARTTLS and LHLO again when the profile asks for TLS (RFC 3207: what was said before TLS is
 * forgotten), then AUTH when the profile has a password. Any other answer ends the connection with the reason.
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

    private void authenticate() {
        // AUTH comes with the SASL client (branch sasl); until then a backend must trust this frontend's address
        connection.loggedIn();
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
