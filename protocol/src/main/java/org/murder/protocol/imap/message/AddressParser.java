package org.murder.protocol.imap.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an address-list header (From, To, ...) into ENVELOPE address structures with the results of Cyrus's
 * {@code parseaddr_list}, so that a Murder backend answers like a Cyrus one:
 * <ul>
 * <li>{@code name <mailbox@host>} and {@code mailbox@host (comment)}, the comment becoming the name;</li>
 * <li>a display name keeps RFC 2047 encoded words as written (RFC 3501 §7.4.2); quotes and escapes are removed and
 * runs of whitespace and comments become one space;</li>
 * <li>a source route {@code <@a,@b:mailbox@host>} goes to the adl;</li>
 * <li>a group {@code name: a@b, c@d;} becomes {@code (NIL NIL "name" NIL)}, its members, then {@code (NIL NIL NIL NIL)};</li>
 * <li>an address without a host gets the host {@code unspecified-domain}.</li>
 * </ul>
 * Never throws: malformed input gives what could be read.
 */
public final class AddressParser {

    /** One ENVELOPE address; null fields are NIL. A group start has a null host, a group end is all null. */
    public record Address(String name, String adl, String mailbox, String host) {
    }

    static final String UNSPECIFIED_DOMAIN = "unspecified-domain";

    private final String s;
    private int pos;
    private final List<Address> out = new ArrayList<>();

    private AddressParser(String s) {
        this.s = s;
    }

    /** The addresses of an unfolded header value; empty for null or blank. */
    public static List<Address> parse(String value) {
        if (value == null) {
            return List.of();
        }
        AddressParser p = new AddressParser(value.replace('\0', ' '));
        p.list();
        return List.copyOf(p.out);
    }

    private void list() {
        boolean inGroup = false;
        int tok = ' ';
        while (tok != 0) {
            String[] phrase = new String[1];
            tok = phrase(phrase, inGroup ? ",@<;" : ",@<:");
            switch (tok) {
                case ',', 0, ';' -> {
                    if (!phrase[0].isEmpty()) {
                        add(null, null, phrase[0], "");
                    }
                    if (tok == ';') {
                        add(null, null, null, null);
                        inGroup = false;
                    }
                }
                case ':' -> {
                    add(null, null, phrase[0], null);
                    inGroup = true;
                }
                case '@' -> {
                    String[] domain = new String[2];
                    tok = domain(domain, true);
                    add(domain[1], null, phrase[0], domain[0]);
                    if (tok == ';') {
                        add(null, null, null, null);
                        inGroup = false;
                    }
                }
                default -> tok = angleAddress(phrase[0]);
            }
        }
        if (inGroup) {
            add(null, null, null, null);
        }
    }

    /** After {@code <}: {@code [@route:]mailbox@host>}. Returns the token to go on with. */
    private int angleAddress(String name) {
        String[] mailbox = new String[1];
        int tok = phrase(mailbox, "@>");
        if (tok != '@') {
            add(name, null, mailbox[0], "");
            return tok;
        }
        String route = null;
        if (mailbox[0].isEmpty()) {
            pos--; // give the '@' back to the route
            String[] r = new String[1];
            tok = route(r);
            route = r[0];
            if (tok != ':') {
                add(name, route, "", "");
                return skipPastAngle(tok);
            }
            tok = phrase(mailbox, "@>");
            if (tok != '@') {
                add(name, route, mailbox[0], "");
                return tok;
            }
        }
        String[] domain = new String[2];
        tok = domain(domain, false);
        add(name, route, mailbox[0], domain[0]);
        return skipPastAngle(tok);
    }

    private int skipPastAngle(int tok) {
        while (tok != 0 && tok != '>') {
            tok = next();
        }
        return tok;
    }

    private void add(String name, String adl, String mailbox, String host) {
        out.add(new Address(name == null || name.isEmpty() ? null : name, adl == null || adl.isEmpty() ? null : adl,
                mailbox, host != null && host.isEmpty() ? UNSPECIFIED_DOMAIN : host));
    }

    /** An RFC 822 phrase up to one of {@code specials} (or the end, 0), which it returns; "" and 0 on a broken quote. */
    private int phrase(String[] result, String specials) {
        skipSpace();
        StringBuilder dst = new StringBuilder();
        while (true) {
            int c = next();
            if (c == '"') {
                boolean closed = false;
                while (pos < s.length()) {
                    c = s.charAt(pos++);
                    if (Character.isISOControl(c) && c < 0x80) {
                        if (c == '\r' || c == '\n') {
                            c = ' ';
                        } else if (c != '\t') {
                            continue;
                        }
                    }
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\') {
                        if (pos >= s.length()) {
                            break;
                        }
                        c = s.charAt(pos++);
                    }
                    dst.append((char) c);
                }
                if (!closed) {
                    result[0] = "";
                    return 0;
                }
            } else if (isSpace(c) || c == '(') {
                pos--;
                skipSpace();
                dst.append(' ');
            } else if (c == 0 || specials.indexOf(c) >= 0) {
                int len = dst.length();
                if (len > 0 && dst.charAt(len - 1) == ' ') {
                    dst.setLength(len - 1);
                }
                result[0] = dst.toString();
                return c;
            } else {
                dst.append((char) c);
            }
        }
    }

    /**
     * A domain: letters, digits, {@code - [ ] :} and non-ASCII, dots collapsed, whitespace dropped. With
     * {@code withComment}, a comment that ends the address is kept as its name. Returns the stopping character.
     */
    private int domain(String[] result, boolean withComment) {
        String comment = null;
        skipSpace();
        StringBuilder dst = new StringBuilder();
        while (true) {
            int c = next();
            if (isAsciiAlnum(c) || c == '-' || c == '[' || c == ']' || c == ':' || c > 127 || c == '@') {
                dst.append((char) c); // an '@' here makes the domain garbage, kept as Cyrus keeps it
                comment = null;
            } else if (c == '.') {
                if (dst.length() > 0 && dst.charAt(dst.length() - 1) != '.') {
                    dst.append('.');
                }
                comment = null;
            } else if (c == '(') {
                if (withComment) {
                    comment = comment();
                } else {
                    pos--;
                    skipSpace();
                }
            } else if (!isSpace(c)) {
                int len = dst.length();
                if (len > 0 && dst.charAt(len - 1) == '.') {
                    dst.setLength(len - 1);
                }
                result[0] = dst.toString();
                result[1] = comment;
                return c;
            }
        }
    }

    /** The text of a comment whose {@code (} was just read; nested parentheses kept, escapes resolved. */
    private String comment() {
        StringBuilder text = new StringBuilder();
        int depth = 1;
        while (depth > 0 && pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '\\' && pos < s.length()) {
                c = s.charAt(pos++);
            }
            if (depth > 0) {
                text.append(c);
            }
        }
        return text.toString();
    }

    /** A source route {@code @a,@b}, up to the character it returns (normally {@code :}). */
    private int route(String[] result) {
        skipSpace();
        StringBuilder dst = new StringBuilder();
        while (true) {
            int c = next();
            if (isAsciiAlnum(c) || c == '-' || c == '[' || c == ']' || c == ',' || c == '@') {
                dst.append((char) c);
            } else if (c == '.') {
                if (dst.length() > 0 && dst.charAt(dst.length() - 1) != '.') {
                    dst.append('.');
                }
            } else if (isSpace(c) || c == '(') {
                pos--;
                skipSpace();
            } else {
                int len = dst.length();
                while (len > 0 && ".,@".indexOf(dst.charAt(len - 1)) >= 0) {
                    len--;
                }
                dst.setLength(len);
                result[0] = dst.toString();
                return c;
            }
        }
    }

    /** The next character, or 0 at the end (the position still advances, as a C pointer would). */
    private int next() {
        return pos < s.length() ? s.charAt(pos++) : endOfInput();
    }

    private int endOfInput() {
        pos = s.length() + 1;
        return 0;
    }

    private void skipSpace() {
        if (pos > s.length()) {
            return;
        }
        pos = MimeParams.skipSpaceAndComments(s, pos);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == 0x0c;
    }

    private static boolean isAsciiAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
