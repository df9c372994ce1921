package org.murder.protocol.imap.message;

import java.util.List;

/**
 * An address-list header (From, To, Cc, Bcc) written out again from its parsed addresses, as SEARCH FROM/TO/CC/BCC
 * match it beside the field as written: {@code Name <mailbox@host>} for each address, display names with their
 * RFC 2047 encoded words decoded, comments and source routes gone, a comment that names the address
 * ({@code user@host (Name)}) as its name, groups as {@code group: members;}. So {@code user@domain.org} finds
 * {@code <user (comment)@ (comment) domain.org>}, and a decoded display name finds {@code =?UTF-8?B?...?=}.
 * Addresses are read as Cyrus reads them for ENVELOPE ({@link AddressParser}).
 */
public final class AddressText {

    private AddressText() {
    }

    /** The addresses of one unfolded field value, separated by {@code ", "}; empty when none can be read. */
    public static String of(String value) {
        List<AddressParser.Address> addresses = AddressParser.parse(value);
        StringBuilder out = new StringBuilder();
        boolean groupStart = false;
        for (AddressParser.Address a : addresses) {
            if (a.mailbox() == null) {
                out.append(';'); // end of a group
                continue;
            }
            if (out.length() > 0 && !groupStart) {
                out.append(", ");
            }
            groupStart = false;
            if (a.host() == null) {
                out.append(a.mailbox()).append(": ");
                groupStart = true;
                continue;
            }
            if (a.name() != null) {
                out.append(EncodedWords.decode(a.name())).append(' ');
            }
            out.append('<').append(a.mailbox());
            if (!a.host().equals(AddressParser.UNSPECIFIED_DOMAIN)) {
                out.append('@').append(a.host());
            }
            out.append('>');
        }
        return out.toString();
    }
}
