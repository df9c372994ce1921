package org.murder.protocol.lmtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Server side: LMTP replies as bytes (CRLF included), worded as Cyrus 3.6's {@code lmtpd} words them where
 * that is sensible. Enhanced status codes (RFC 2034, RFC 3463) go on every line of every reply but the greeting
 * and the LHLO reply, as RFC 2034 §4 asks.
 *
 * <p>Injection-safe: text from anywhere (an address the client sent, an exception message, a backend's reply)
 * is put on the line with CR, LF, NUL and every other control character as a space and non-ASCII as
 * {@code ?}, and a line longer than RFC 5321's 512 octets is cut, so no text can end a reply line early or
 * start a reply of its own.
 */
public final class LmtpReplies {

    /** RFC 5321 §4.5.3.1.5: a reply line, CRLF included. */
    public static final int MAX_REPLY_LINE = 512;

    private LmtpReplies() {
    }

    /** Any reply; the inverse of {@link LmtpReplyParser}. */
    public static byte[] encode(LmtpReply reply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        List<String> lines = reply.lines();
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            String own = safe(lines.get(i));
            String text = reply.enhancedStatus().map(e -> own.isEmpty() ? e : e + " " + own).orElse(own);
            String line = reply.code() + (last ? (text.isEmpty() ? "" : " ") : "-") + text;
            out.writeBytes(cut(line).getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** {@code code enhanced text}. */
    public static byte[] reply(int code, String enhancedStatus, String text) {
        return encode(LmtpReply.of(code, enhancedStatus, text));
    }

    // --- connection

    /**
     * The greeting, Cyrus's way: {@code 220 host software server ready}, e.g. {@code 220 127.0.0.10 Cyrus LMTP
     * 3.6.1 server ready}, or {@code 220 host server ready} when {@code software} is empty (Cyrus with
     * {@code serverinfo: off}). RFC 2033's example is {@code greeting("foo.edu", "LMTP")}.
     */
    public static byte[] greeting(String host, String software) {
        String text = software.isEmpty() ? host + " server ready" : host + " " + software + " server ready";
        return encode(LmtpReply.plain(220, text));
    }

    /**
     * The LHLO reply: the host on the first line, then one capability a line, as in
     * {@code 250-foo.edu / 250-PIPELINING / 250 SIZE}. Cyrus 3.6 ends with {@code Ok SESSIONID=<id>}: pass it as
     * the last capability to do the same.
     */
    public static byte[] lhlo(String host, List<String> capabilities) {
        List<String> lines = new ArrayList<>(capabilities.size() + 1);
        lines.add(host);
        lines.addAll(capabilities);
        return encode(new LmtpReply(250, Optional.empty(), lines));
    }

    /**
     * Capabilities in Cyrus's order: 8BITMIME, ENHANCEDSTATUSCODES, PIPELINING, SIZE (with the limit when
     * there is one), STARTTLS (offered only before TLS and before authentication), AUTH with the mechanisms (only
     * before authentication, when there are any), IGNOREQUOTA.
     *
     * @param maxMessageSize the limit in octets, or 0 for none
     */
    public static List<String> capabilities(long maxMessageSize, boolean offerStartTls, List<String> saslMechanisms) {
        List<String> caps = new ArrayList<>(List.of("8BITMIME", "ENHANCEDSTATUSCODES", "PIPELINING"));
        caps.add(maxMessageSize > 0 ? "SIZE " + maxMessageSize : "SIZE");
        if (offerStartTls) {
            caps.add("STARTTLS");
        }
        if (!saslMechanisms.isEmpty()) {
            caps.add("AUTH " + String.join(" ", saslMechanisms));
        }
        caps.add("IGNOREQUOTA");
        return caps;
    }

    /** SMTP's HELO and EHLO have no place in LMTP (RFC 2033 §4.1). */
    public static byte[] useLhlo() {
        return reply(500, "5.5.1", "Use LHLO in LMTP");
    }

    public static byte[] noop() {
        return reply(250, "2.0.0", "ok");
    }

    /** RSET; Cyrus 3.6 starts a new session id and shows it. */
    public static byte[] reset(Optional<String> sessionId) {
        return reply(250, "2.0.0", "Ok" + sessionSuffix(sessionId));
    }

    /** Cyrus answers every VRFY so (RFC 5321 §3.5.3 lets a server that will not verify say 252). */
    public static byte[] vrfy() {
        return reply(252, "2.3.3", "try RCPT to attempt delivery");
    }

    public static byte[] bye() {
        return reply(221, "2.0.0", "bye");
    }

    /** {@code 421}: the server closes the connection (shutdown, idle timeout), e.g. {@code 4.3.2}. */
    public static byte[] closing(String enhancedStatus, String text) {
        return reply(421, enhancedStatus, text);
    }

    /** A command out of sequence: "Need MAIL command", "No recipients", "Nested MAIL command", ... */
    public static byte[] badSequence(String text) {
        return reply(503, "5.5.1", text);
    }

    /** The reply to a command line longer than the decoder's bound (RFC 5321 §4.5.3.1.4). */
    public static byte[] lineTooLong() {
        return reply(500, "5.5.2", "Line too long");
    }

    public static byte[] malformed(LmtpParseResult.Malformed malformed) {
        return encode(malformed.reply());
    }

    // --- STARTTLS and AUTH

    public static byte[] startTls() {
        return reply(220, "2.0.0", "Begin TLS negotiation now");
    }

    public static byte[] tlsNotAvailable(String text) {
        return reply(454, "4.7.0", text);
    }

    /**
     * MAIL before authentication. Cyrus says {@code 430} with {@code soft_noauth} (its default, seen in the
     * captures) and {@code 530} otherwise; RFC 4954 §6 has {@code 530 5.7.0}.
     */
    public static byte[] authenticationRequired(boolean soft) {
        return soft ? reply(430, "4.7.0", "Authentication required") : reply(530, "5.7.0", "Authentication required");
    }

    /** A SASL challenge, {@code 334 base64}; an empty challenge is {@code 334 } (RFC 4954 §4). */
    public static byte[] saslChallenge(byte[] challenge) {
        String line = "334 " + Base64.getEncoder().encodeToString(challenge) + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] authenticated() {
        return reply(235, "2.7.0", "Authenticated!");
    }

    public static byte[] authenticationFailed() {
        return reply(535, "5.7.8", "Authentication credentials invalid");
    }

    /** SASL succeeded but the authenticated identity may not act as the authorization identity it asked for. */
    public static byte[] authorizationFailed() {
        return reply(535, "5.7.8", "Not authorized to act as that user");
    }

        public static byte[] authenticationCancelled() {
        return reply(501, "5.5.4", "client canceled authentication");
    }

    public static byte[] unrecognizedMechanism() {
        return reply(504, "5.5.4", "Unrecognized authentication type");
    }

    /** A password mechanism before TLS where {@code allowplaintext} is off (RFC 4954 §6). */
    public static byte[] encryptionRequired() {
        return reply(538, "5.7.11", "Encryption required for requested authentication mechanism");
    }

    public static byte[] alreadyAuthenticated() {
        return reply(503, "5.5.0", "already authenticated");
    }

    // --- the transaction

    public static byte[] senderOk() {
        return reply(250, "2.1.0", "ok");
    }

    public static byte[] recipientOk() {
        return reply(250, "2.1.5", "ok");
    }

    /** MAIL's SIZE beyond the limit (RFC 1870). */
    public static byte[] declaredSizeTooLarge(long maxMessageSize) {
        return reply(552, "5.3.4", "Message SIZE exceeds fixed maximum message size (" + maxMessageSize + ")");
    }

    public static byte[] goAhead() {
        return encode(LmtpReply.plain(354, "go ahead"));
    }

    /**
     * After DATA when the decoder reported the message too large: one reply for the whole message (instead of
     * one per recipient), which every LMTP client reads as the status of each recipient.
     */
    public static byte[] messageTooLarge(long maxMessageSize) {
        return reply(552, "5.3.4", "Message size exceeds fixed maximum message size (" + maxMessageSize + ")");
    }

    // --- per recipient (RCPT and after DATA)

    /** Delivered; Cyrus 3.6 says {@code 250 2.1.5 Success SESSIONID=<id>}. */
    public static byte[] delivered(Optional<String> sessionId) {
        return reply(250, "2.1.5", sessionId.isPresent() ? "Success" + sessionSuffix(sessionId) : "Ok");
    }

    /**
     * No such mailbox; {@code longForm} adds Cyrus's two explaining lines ({@code LMTP_LONG_ERROR_MSGS}),
     * byte for byte as Cyrus sends them (enhanced code on the last line only).
     */
    public static byte[] userUnknown(boolean longForm) {
        String last = "550 5.1.1 User unknown\r\n";
        String text = longForm
                ? "550-Mailbox unknown.  Either there is no mailbox associated with this\r\n"
                        + "550-name or you do not have authorization to see it.\r\n" + last
                : last;
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Over quota: {@code 452 4.2.2} by default, {@code 552 5.2.2} with Cyrus's {@code lmtp_over_quota_perm_failure}. */
    public static byte[] overQuota(boolean permanent, Optional<String> sessionId) {
        String text = "Over quota" + sessionSuffix(sessionId);
        return permanent ? reply(552, "5.2.2", text) : reply(452, "4.2.2", text);
    }

    public static byte[] permissionDenied() {
        return reply(550, "5.7.1", "Permission denied");
    }

    /** {@code 451 4.3.0 text}: a local failure (I/O, an unexpected error); the client tries again later. */
    /** The mailbox is being moved to another backend (docs/moves.md): try again in a moment, it will be there. */
    public static byte[] mailboxMoving() {
        return reply(451, "4.2.0", "Mailbox is being moved, try again later");
    }

    public static byte[] temporaryFailure(String text) {
        return reply(451, "4.3.0", text);
    }

    /** A frontend could not reach the backend or the MUPDATE master. */
    public static byte[] remoteServerUnavailable() {
        return reply(451, "4.4.3", "Remote server unavailable");
    }

    /** The mailbox is moving between backends (XFER); the client tries again later. */
    public static byte[] mailboxMoved() {
        return reply(451, "4.2.1", "Mailbox Moved");
    }

    private static String sessionSuffix(Optional<String> sessionId) {
        return sessionId.map(id -> " SESSIONID=<" + id + ">").orElse("");
    }

    /** Controls (CR, LF, NUL, ...) become spaces, non-ASCII {@code ?}: a line's text stays one line. */
    static String safe(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char r = c == '\t' || LmtpSyntax.isPrintable(c) ? c : c < 0x20 || c == 0x7f ? ' ' : '?';
            if (r != c && sb == null) {
                sb = new StringBuilder(text.substring(0, i));
            }
            if (sb != null) {
                sb.append(r);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String cut(String line) {
        return line.length() <= MAX_REPLY_LINE - 2 ? line : line.substring(0, MAX_REPLY_LINE - 2);
    }
}
