package org.murder.protocol.sasl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * The client side of one SASL exchange on a line protocol, the twin of {@link SaslExchange}: how a frontend logs in
 * to a backend or master as its proxy identity acting for a user (Cyrus's {@code proxy_authname} + authzid), over
 * IMAP AUTHENTICATE (with SASL-IR), LMTP AUTH and MUPDATE AUTHENTICATE. No I/O: the caller sends the command with
 * {@link #mechanism()} and {@link #initialResponse()}, feeds each server challenge to {@link #step}, sends what it
 * answers, and reports the server's success to {@link #success}. Not thread-safe.
 *
 * <p>On {@link Failed} in the middle of an exchange the caller cancels it (a {@code *} line) and must not use the
 * connection as logged in. A server's refusal ({@code NO}, {@code 535}) needs no call: the exchange is simply over.
 */
public final class SaslClientExchange {

    /** What the exchange says next. */
    public sealed interface Step permits Respond, Done, Failed {
    }

    /** Send this line (base64; empty for an empty answer) and wait for the server's next one. */
    public record Respond(String base64) implements Step {
        public Respond {
            Objects.requireNonNull(base64, "base64");
        }
    }

    /** Logged in, and the server proved itself where the mechanism can (SCRAM's server signature). */
    public record Done(String mechanism) implements Step {
    }

    /** Not logged in: the server broke the exchange or could not prove itself. */
    public record Failed(String reason) implements Step {
    }

    private final SaslClient client;
    private boolean started;
    private boolean over;

    /**
     * Picks the first mechanism of {@code preferred} that the server offers and we implement, LOGIN only when
     * nothing else is in common (and never with an authzid, which LOGIN cannot carry).
     *
     * @param offered   the server's mechanisms (IMAP {@code AUTH=}, LMTP/MUPDATE {@code AUTH}), any case
     * @param preferred the mechanisms we are willing to use, best first (also a restriction: under no TLS, leave
     *                  out PLAIN and LOGIN); names we do not implement are skipped
     * @param password  copied; the caller wipes its array
     * @param authzid   who to act as; empty to act as {@code authcid}
     * @throws SaslException when no usable mechanism is in common, saying what each side has
     */
    public SaslClientExchange(Collection<String> offered, List<String> preferred, String authcid, char[] password,
                              String authzid) throws SaslException {
        String mechanism = choose(offered, preferred, !authzid.isEmpty());
        this.client = SaslMechanisms.client(mechanism, authcid, password, authzid).orElseThrow();
    }

    /** With our own order, strongest first ({@link SaslMechanisms#supported()}). */
    public SaslClientExchange(Collection<String> offered, String authcid, char[] password, String authzid)
            throws SaslException {
        this(offered, SaslMechanisms.supported(), authcid, password, authzid);
    }

    /** Around a given mechanism client (tests: SCRAM with a chosen nonce). */
    SaslClientExchange(SaslClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The mechanism to name in the command. */
    public String mechanism() {
        return client.getMechanismName();
    }

    /**
     * The initial response to send with the command (SASL-IR, LMTP AUTH's second argument, MUPDATE's), if the
     * mechanism has one; {@code =} stands for an empty one. Call it only when the command can carry it: without it
     * the server's first (empty) challenge gets the same answer from {@link #step}.
     */
    public Optional<String> initialResponse() {
        if (started) {
            throw new IllegalStateException("the exchange has already begun");
        }
        started = true;
        if (!client.hasInitialResponse()) {
            return Optional.empty();
        }
        try {
            byte[] response = client.evaluateChallenge(new byte[0]);
            return Optional.of(response.length == 0 ? "=" : Base64Lines.encode(response));
        } catch (SaslException e) {
            throw new IllegalStateException("our mechanisms' first messages cannot fail", e);
        }
    }

    /** The server's challenge (its base64 text: after {@code + } in IMAP, {@code 334 } in LMTP, a bare MUPDATE line). */
    public Step step(String base64Challenge) {
        requireNotOver();
        started = true;
        byte[] challenge;
        try {
            challenge = Base64Lines.decode(base64Challenge.strip());
        } catch (SaslException e) {
            return fail("the server's challenge is not base64 (" + e.getMessage() + ")");
        }
        try {
            byte[] response = client.evaluateChallenge(challenge);
            return new Respond(Base64Lines.encode(response == null ? new byte[0] : response));
        } catch (SaslException e) {
            return fail(e.getMessage());
        }
    }

    /**
     * The server said the exchange succeeded ({@code OK}, {@code 235}), with the final data some protocols carry
     * in that reply. {@link Done} only when the mechanism is complete: a success before SCRAM's server signature
     * was checked is a {@link Failed} (the server did not prove itself).
     */
    public Step success(Optional<String> base64Data) {
        requireNotOver();
        if (base64Data.isPresent()) {
            Step last = step(base64Data.get());
            if (last instanceof Failed) {
                return last;
            }
            if (!((Respond) last).base64().isEmpty()) {
                return fail("the server ended the exchange where " + mechanism() + " has more to say");
            }
        }
        if (!client.isComplete()) {
            return fail("the server accepted a " + mechanism() + " exchange that was not complete:"
                    + " it has not proven it knows our credentials");
        }
        end();
        return new Done(mechanism());
    }

    private Failed fail(String reason) {
        end();
        return new Failed(mechanism() + ": " + reason);
    }

    /** Over either way: the mechanism forgets the password. */
    private void end() {
        over = true;
        try {
            client.dispose();
        } catch (SaslException e) {
            throw new IllegalStateException("our mechanisms' dispose only wipes arrays", e);
        }
    }

    private void requireNotOver() {
        if (over) {
            throw new IllegalStateException("the exchange is over");
        }
    }

    /** The mechanism {@link #SaslClientExchange(Collection, List, String, char[], String)} uses. */
    static String choose(Collection<String> offered, List<String> preferred, boolean withAuthzid) throws SaslException {
        Set<String> theirs = offered.stream().map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> ours = Set.copyOf(SaslMechanisms.supported());
        List<String> common = new ArrayList<>();
        for (String m : preferred) {
            String name = m.toUpperCase(Locale.ROOT);
            if (theirs.contains(name) && ours.contains(name) && !common.contains(name)) {
                common.add(name);
            }
        }
        for (String name : common) {
            if (!name.equals("LOGIN")) {
                return name;
            }
        }
        if (common.contains("LOGIN")) {
            if (withAuthzid) {
                throw new SaslException("the server offers only LOGIN of the mechanisms we use " + preferred
                        + ", and LOGIN cannot carry an authorization identity");
            }
            return "LOGIN";
        }
        throw new SaslException("no SASL mechanism in common: the server offers " + offered + ", we use " + preferred);
    }
}
