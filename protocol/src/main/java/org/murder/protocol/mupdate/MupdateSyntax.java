package org.murder.protocol.mupdate;

import org.murder.protocol.wire.WireSyntaxException;

/** What the wire grammar alone does not say but a value must satisfy before it reaches the mailbox map. */
final class MupdateSyntax {

    private MupdateSyntax() {
    }

    /** IMAP tag characters: ASTRING-CHAR except '+', i.e. printable ASCII minus atom-specials other than ']'. */
    static boolean isTag(String tag) {
        if (tag.isEmpty()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\+".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    static String mailbox(String name) throws WireSyntaxException {
        if (name.isEmpty() || hasLineBreakOrNul(name)) {
            throw new WireSyntaxException("Invalid mailbox name");
        }
        return name;
    }

    /** {@code server!partition}: a non-empty server, at most one {@code !} (Cyrus's client refuses two). */
    static Location location(String wire) throws WireSyntaxException {
        int bang = wire.indexOf('!');
        if (wire.isEmpty() || bang == 0 || hasLineBreakOrNul(wire) || (bang >= 0 && wire.indexOf('!', bang + 1) >= 0)) {
            throw new WireSyntaxException("Invalid location");
        }
        return Location.parse(wire);
    }

    static String locationPrefix(String prefix) throws WireSyntaxException {
        if (hasLineBreakOrNul(prefix)) {
            throw new WireSyntaxException("Invalid location");
        }
        return prefix;
    }

    static String acl(String acl) throws WireSyntaxException {
        if (hasLineBreakOrNul(acl)) {
            throw new WireSyntaxException("Invalid ACL");
        }
        return acl;
    }

    static String host(String host) throws WireSyntaxException {
        if (host.isEmpty() || hasLineBreakOrNul(host)) {
            throw new WireSyntaxException(Arguments.BADLY_FORMED);
        }
        return host;
    }

    static boolean hasLineBreakOrNul(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return true;
            }
        }
        return false;
    }
}
