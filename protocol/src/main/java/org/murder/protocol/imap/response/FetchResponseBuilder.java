package org.murder.protocol.imap.response;

import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * One {@code * n FETCH (...)} response, item by item in the order added, e.g.
 * <pre>{@code
 * * 12 FETCH (UID 5 FLAGS (\Seen) MODSEQ (12) RFC822.SIZE 1234 INTERNALDATE "17-Jul-1996 02:44:25 -0700"
 *   ENVELOPE (...) BODYSTRUCTURE (...) BODY[HEADER.FIELDS (FROM)] {n}CRLF<bytes> BODY[]<0> {n}CRLF<file region>)
 * }</pre>
 * {@link #build()} gives {@link Segment}s: message content passed as a {@link Segment.FileRegion} is never copied,
 * the transport streams it from the spool file. ENVELOPE and BODYSTRUCTURE come pre-rendered (cached at delivery)
 * and are checked so that a damaged cache entry cannot inject a line.
 */
public final class FetchResponseBuilder {

    private final ImapWriter w;
    private boolean first = true;
    private boolean built;

    public FetchResponseBuilder(long msn) {
        if (msn < 1) {
            throw new IllegalArgumentException("message sequence numbers start at 1");
        }
        w = ImapWriter.untagged().number(msn).ascii(" FETCH (");
    }

    public FetchResponseBuilder uid(long uid) {
        item("UID").number(uid);
        return this;
    }

    public FetchResponseBuilder flags(Collection<String> flags) {
        item("FLAGS").flags(flags);
        return this;
    }

    /** {@code MODSEQ (n)} (RFC 7162). */
    public FetchResponseBuilder modseq(long modseq) {
        item("MODSEQ").open().number(modseq).close();
        return this;
    }

    public FetchResponseBuilder rfc822Size(long size) {
        item("RFC822.SIZE").number(size);
        return this;
    }

    public FetchResponseBuilder internalDate(ZonedDateTime date) {
        item("INTERNALDATE").string(ImapDateTimes.format(date));
        return this;
    }

    /** The cached ENVELOPE wire text, parentheses included. */
    public FetchResponseBuilder envelope(String wire) {
        item("ENVELOPE").wire(wire);
        return this;
    }

    /** The cached BODYSTRUCTURE wire text. */
    public FetchResponseBuilder bodyStructure(String wire) {
        item("BODYSTRUCTURE").wire(wire);
        return this;
    }

    /** The cached non-extensible BODY wire text. */
    public FetchResponseBuilder body(String wire) {
        item("BODY").wire(wire);
        return this;
    }

    /**
     * {@code BODY[section]<origin> {n}CRLF...}.
     *
     * @param section what goes between the brackets, e.g. {@code 1.2.MIME} or {@code HEADER.FIELDS (FROM)}
     * @param origin  the partial fetch's first octet, echoed as {@code <origin>}
     */
    public FetchResponseBuilder bodySection(String section, OptionalLong origin, Segment content) {
        return literal(sectionName("BODY", section, origin), content);
    }

    public FetchResponseBuilder bodySection(String section, OptionalLong origin, byte[] content) {
        return bodySection(section, origin, new Segment.Bytes(content));
    }

    /** Any item whose data is a literal, named as the response names it (e.g. {@code RFC822.HEADER}, {@code BODY[1]}). */
    public FetchResponseBuilder literal(String itemName, Segment content) {
        item(itemName).literal(content);
        return this;
    }

    /** {@code item NIL}, e.g. a section the message does not have. */
    public FetchResponseBuilder nil(String itemName) {
        item(itemName).nil();
        return this;
    }

    /**
     * {@code BINARY[part]<origin>} (RFC 3516): decoded content, as a literal8 {@code ~{n}} only when it holds a NUL,
     * else as a plain literal (RFC 3516 §4.3, as Cyrus: a client then knows without scanning that there is none).
     */
    public FetchResponseBuilder binary(String itemName, byte[] decoded) {
        return binary(itemName, new Segment.Bytes(decoded), holdsNul(decoded));
    }

    /** {@link #binary(String, byte[])} for content the transport streams from a file; the caller knows about NUL. */
    public FetchResponseBuilder binary(String itemName, Segment.FileRegion decoded, boolean holdsNul) {
        return binary(itemName, (Segment) decoded, holdsNul);
    }

    private FetchResponseBuilder binary(String itemName, Segment decoded, boolean holdsNul) {
        if (holdsNul) {
            item(itemName).literal8(decoded);
        } else {
            item(itemName).literal(decoded);
        }
        return this;
    }

    private static boolean holdsNul(byte[] data) {
        for (byte b : data) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code BINARY.SIZE[part] n} (RFC 3516). */
    public FetchResponseBuilder binarySize(String itemName, long size) {
        item(itemName).number(size);
        return this;
    }

    /** An item with a pre-rendered value (an extension), checked like ENVELOPE. */
    public FetchResponseBuilder wire(String itemName, String wireValue) {
        item(itemName).wire(wireValue);
        return this;
    }

    /** Closes the response: {@code )CRLF}. The builder cannot be used afterwards. */
    public List<Segment> build() {
        if (built) {
            throw new IllegalStateException("already built");
        }
        built = true;
        return w.close().crlf().segments();
    }

    private ImapWriter item(String name) {
        if (built) {
            throw new IllegalStateException("already built");
        }
        checkItemName(name);
        if (!first) {
            w.sp();
        }
        first = false;
        return w.ascii(name).sp();
    }

    static String sectionName(String item, String section, OptionalLong origin) {
        String name = item + "[" + section + "]";
        return origin.isPresent() ? name + "<" + origin.getAsLong() + ">" : name;
    }

    /**
     * A FETCH item name: starts with a letter, printable ASCII, spaces only between brackets ({@code BODY[HEADER.FIELDS (A B)]}), brackets
     * balanced. Anything else is a programming error: names come from the parsed command.
     */
    static void checkItemName(String name) {
        int depth = 0;
        boolean ok = !name.isEmpty() && Character.isLetter(name.charAt(0)) && name.charAt(0) < 0x80;
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || (c == ' ' && depth == 0)) {
                ok = false;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                ok = --depth >= 0;
            }
        }
        if (!ok || depth != 0) {
            throw new IllegalArgumentException("not a FETCH item name: " + name);
        }
    }
}
