package org.murder.protocol.imap.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.murder.protocol.imap.ImapReader;
import org.murder.protocol.imap.MailboxName;
import org.murder.protocol.imap.MailboxNames;

/**
 * Writes the tokens of one command and picks the safest form for every string: an atom when every character may
 * stand bare, a quoted string when it may be quoted, a literal otherwise. Whatever a value holds, it cannot end
 * the command line or open a literal the server did not count: atoms are checked, quoted strings never carry CR,
 * LF or (without UTF8=ACCEPT) 8-bit, and literals are counted. NUL is refused, it fits no IMAP string.
 */
final class CommandWriter {

    /** Longer strings go as literals: Cyrus's own limit for what it quotes, and short enough for any server. */
    static final int MAX_QUOTED = 1024;

    /** Literals up to this size are copied into the command's buffer: fewer, larger writes for the transport. */
    private static final int MAX_COPIED = 8192;

    private final String tag;
    private final ImapEncoding encoding;
    private final List<EncodedCommand.Part> parts = new ArrayList<>(1);
    private ByteArrayOutputStream current = new ByteArrayOutputStream(64);

    CommandWriter(String tag, ImapEncoding encoding) {
        this.tag = tag;
        this.encoding = encoding;
    }

    ImapEncoding encoding() {
        return encoding;
    }

    /** Text that is known to be safe (keywords, numbers, sequence sets). */
    CommandWriter raw(String ascii) {
        current.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    CommandWriter sp() {
        current.write(' ');
        return this;
    }

    CommandWriter number(long n) {
        return raw(Long.toString(n));
    }

    /** An atom the caller names (a capability, a SASL mechanism, a keyword): refused unless it is one. */
    CommandWriter atom(String s, String what) {
        if (!isAtom(s)) {
            throw new ImapEncodingException("Invalid " + what + ": " + printable(s));
        }
        return raw(s);
    }

    /** A {@code flag}: {@code \}-prefixed system flag or a keyword, both atoms. */
    CommandWriter flag(String flag) {
        String name = flag.startsWith("\\") ? flag.substring(1) : flag;
        if (!isAtom(name)) {
            throw new ImapEncodingException("Invalid flag: " + printable(flag));
        }
        return raw(flag);
    }

    /** An {@code astring}: bare when it can be, else a string. */
    CommandWriter astring(String s) {
        return bareOrString(s, false);
    }

    /** A LIST or LSUB pattern: like an astring, but the wildcards {@code %} and {@code *} may stand bare too. */
    CommandWriter listMailbox(String s) {
        return bareOrString(s, true);
    }

    /** A {@code string}: quoted or literal, never an atom (ID's fields need this). */
    CommandWriter string(String s) {
        refuseNul(s);
        if (quotable(s)) {
            current.write('"');
            for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                if (b == '"' || b == '\\') {
                    current.write('\\');
                }
                current.write(b);
            }
            current.write('"');
            return this;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return literal(ByteBuffer.wrap(bytes), false);
    }

    /** A mailbox name: modified UTF-7 (or UTF-8 under UTF8=ACCEPT), then an astring. */
    CommandWriter mailbox(String name) {
        if (name.isEmpty()) {
            throw new ImapEncodingException("Empty mailbox name");
        }
        return mailboxPattern(name, false);
    }

    /**
     * A name that may be empty: a LIST reference, a quota root, or (with {@code wildcards}) a pattern. Control
     * characters are refused: no server accepts them in a name, and a proxy must not be the one that tries — unless
     * the name is one a client sent ({@link MailboxName.Unusable}).
     */
    CommandWriter mailboxPattern(String name, boolean wildcards) {
        if (MailboxName.of(name) instanceof MailboxName.Unusable unusable) {
            // the client's own name, passed on as it came (quoted or counted, never bare if it cannot be) for the
            // server to refuse as it would refuse it from the client
            return bareOrString(unusable.wire(), wildcards);
        }
        if (hasControl(name)) {
            throw new ImapEncodingException("Control character in mailbox name: " + printable(name));
        }
        String wire;
        try {
            wire = MailboxNames.toWire(name, encoding.utf8Accept());
        } catch (IllegalArgumentException e) {
            throw new ImapEncodingException("Invalid mailbox name: " + printable(name));
        }
        return bareOrString(wire, wildcards);
    }

    /**
     * A literal ({@code {n}}, {@code {n+}}, or a {@code literal8} {@code ~{n}}) holding {@code payload}. A
     * synchronizing literal ends the current part: the rest waits for the server's {@code +}. A large payload (an
     * APPEND's message) becomes a part of its own, a view of the caller's bytes rather than a copy.
     */
    /** A literal whose payload is a file region: streamed by the sender, never read here. */
    CommandWriter literal(EncodedCommand.FileRegion payload, boolean binary) {
        long size = payload.length();
        boolean nonSync = encoding.nonSynchronizing(size);
        raw((binary ? "~{" : "{") + size + (nonSync ? "+}" : "}") + "\r\n");
        flush(!nonSync);
        parts.add(payload);
        return this;
    }

    CommandWriter literal(ByteBuffer payload, boolean binary) {
        int size = payload.remaining();
        boolean nonSync = encoding.nonSynchronizing(size);
        raw((binary ? "~{" : "{") + size + (nonSync ? "+}" : "}") + "\r\n");
        if (!nonSync) {
            flush(true);
        }
        if (size > MAX_COPIED) {
            flush(false);
            parts.add(new EncodedCommand.Bytes(payload.slice(), false));
        } else {
            ByteBuffer b = payload.duplicate();
            while (b.hasRemaining()) {
                current.write(b.get());
            }
        }
        return this;
    }

    /** {@code items} separated by single spaces, each written by {@code each}. */
    <T> CommandWriter spaced(Collection<T> items, Consumer<T> each) {
        boolean first = true;
        for (T item : items) {
            if (!first) {
                sp();
            }
            first = false;
            each.accept(item);
        }
        return this;
    }

    /** {@code "(" item *(SP item) ")"}, possibly empty. */
    <T> CommandWriter list(Collection<T> items, Consumer<T> each) {
        raw("(");
        spaced(items, each);
        return raw(")");
    }

    /** Ends the command with CRLF. */
    EncodedCommand finish() {
        raw("\r\n");
        flush(false);
        return new EncodedCommand(tag, parts);
    }

    private CommandWriter bareOrString(String s, boolean wildcards) {
        if (isBare(s, wildcards)) {
            return raw(s);
        }
        return string(s);
    }

    private void flush(boolean awaitContinuation) {
        if (current.size() > 0 || awaitContinuation) {
            parts.add(new EncodedCommand.Bytes(ByteBuffer.wrap(current.toByteArray()), awaitContinuation));
            current = new ByteArrayOutputStream(64);
        }
    }

    private boolean quotable(String s) {
        if (s.length() > MAX_QUOTED) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || (c > 0x7f && !encoding.utf8Accept())) {
                return false;
            }
        }
        return true;
    }

    /** An astring atom (ATOM-CHAR or {@code ]}), not {@code NIL}, which some parsers would take for nothing. */
    private static boolean isBare(String s, boolean wildcards) {
        if (s.isEmpty() || s.equalsIgnoreCase("NIL")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = ImapReader.isAtomChar(c) || c == ']' || (wildcards && (c == '%' || c == '*'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isAtom(String s) {
        return !s.isEmpty() && s.chars().allMatch(ImapReader::isAtomChar);
    }

    private static void refuseNul(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new ImapEncodingException("NUL cannot be sent in an IMAP string");
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return true;
            }
        }
        return false;
    }

    /** A value for an error message: control characters shown as escapes, so the message is one log line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 64) + 8);
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format(Locale.ROOT, "\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 64 ? out + "..." : out.toString();
    }
}
