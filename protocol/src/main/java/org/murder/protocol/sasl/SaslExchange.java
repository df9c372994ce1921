package org.murder.protocol.sasl;

import java.util.Optional;
import java.util.function.BiPredicate;
import javax.security.sasl.SaslException;

/**
 * The server side of one SASL exchange on a line protocol, the same for IMAP, LMTP and MUPDATE: base64 lines in,
 * a step out (a challenge to send, success with who logged in as whom, or why not). Each protocol only words the
 * step its own way ({@code +}/{@code 334}, {@code OK}/{@code 235}, {@code NO}/{@code 535}…). Container-free.
 */
public final class SaslExchange {

    /** What the exchange says next. */
    public sealed interface Step permits Challenge, Success, Failure {
    }

    /** Send this (base64) and wait for the client's next line. */
    public record Challenge(String base64) implements Step {
    }

    /** Done: {@code authenticated} proved its credentials and acts as {@code authorized}. */
    public record Success(String authenticated, String authorized) implements Step {
    }

    /** Done, without a login. */
    public record Failure(Reason reason, String detail) implements Step {
    }

    public enum Reason {
        /** The client's line was not base64 (a syntax error: BAD / 501). */
        MALFORMED,
        /** The client sent {@code *}. */
        CANCELLED,
        /** Wrong credentials or a broken exchange. */
        AUTHENTICATION_FAILED,
        /** Good credentials, but no right to act as the authorization identity asked for. */
        AUTHORIZATION_FAILED
    }

    /**
     * Told how the exchange ended, once: the identity store's own bookkeeping (an Elytron realm's brute-force
     * protection counts failed logins and forgets them at a success) needs the verdict of checks it did not make.
     */
    public interface Outcome {
        Outcome NONE = new Outcome() {
            @Override
            public void succeeded() {
            }

            @Override
            public void failed() {
            }
        };

        /** The credentials were good (whether or not the authorization identity was then allowed). */
        void succeeded();

        /** Wrong credentials, a broken or a cancelled exchange. */
        void failed();
    }

    private final AuthenticatingSaslServer server;
    private final BiPredicate<String, String> mayActAs;
    private final Outcome outcome;
    private boolean over;

    /**
     * @param mayActAs whether an authenticated identity may act as an authorization identity (itself always may;
     *                 proxyservers and admins others)
     */
    public SaslExchange(AuthenticatingSaslServer server, BiPredicate<String, String> mayActAs) {
        this(server, mayActAs, Outcome.NONE);
    }

    public SaslExchange(AuthenticatingSaslServer server, BiPredicate<String, String> mayActAs, Outcome outcome) {
        this.server = server;
        this.mayActAs = mayActAs;
        this.outcome = outcome;
    }

    /** The first step, with the command's initial response if it had one (SASL-IR; {@code =} is empty). */
    public Step start(Optional<String> initialResponse) {
        if (initialResponse.isEmpty()) {
            return evaluate(new byte[0]);
        }
        return line(initialResponse.get());
    }

    /** The client's answer to a challenge. */
    public Step line(String line) {
        if (over) {
            throw new IllegalStateException("the exchange is over");
        }
        if (Base64Lines.isCancel(line)) {
            over = true;
            outcome.failed();
            return new Failure(Reason.CANCELLED, "Authentication cancelled");
        }
        byte[] response;
        try {
            response = Base64Lines.decode(line.trim());
        } catch (SaslException e) {
            over = true;
            outcome.failed();
            return new Failure(Reason.MALFORMED, e.getMessage());
        }
        return evaluate(response);
    }

    private Step evaluate(byte[] response) {
        byte[] challenge;
        try {
            challenge = server.evaluateResponse(response);
        } catch (SaslException e) {
            over = true;
            outcome.failed();
            // the detail is for the log; the client hears only that it failed
            return new Failure(Reason.AUTHENTICATION_FAILED, "Authentication failed: " + e.getMessage());
        }
        if (!server.isComplete()) {
            return new Challenge(Base64Lines.encode(challenge == null ? new byte[0] : challenge));
        }
        over = true;
        outcome.succeeded();
        String authn = server.authenticationId();
        String authz = server.getAuthorizationID();
        if (!mayActAs.test(authn, authz)) {
            return new Failure(Reason.AUTHORIZATION_FAILED, "Not authorized to act as " + authz);
        }
        return new Success(authn, authz);
    }
}
