package org.murder.protocol.imap.message;

import java.util.List;

import org.murder.protocol.imap.message.AddressParser.Address;
import org.murder.protocol.imap.message.ContentInfo.Disposition;
import org.murder.protocol.imap.message.ContentInfo.Param;
import org.murder.protocol.imap.response.ImapStrings;

/** Writes ENVELOPE (RFC 3501 §7.4.2) and BODY/BODYSTRUCTURE wire text the way Cyrus's {@code message.c} does. */
final class StructureWriter {

    private StructureWriter() {
    }

    /**
     * {@code (date subject from sender reply-to to cc bcc in-reply-to message-id)}: strings as written (unfolded,
     * encoded words kept), NIL when absent; Sender and Reply-To default to From when absent or empty.
     */
    static String envelope(Header h) {
        StringBuilder out = new StringBuilder(256).append('(');
        ImapStrings.appendNString(out, h.unfolded("date")).append(' ');
        ImapStrings.appendNString(out, h.unfolded("subject")).append(' ');
        List<Address> from = AddressParser.parse(h.unfolded("from"));
        List<Address> sender = AddressParser.parse(h.unfolded("sender"));
        List<Address> replyTo = AddressParser.parse(h.unfolded("reply-to"));
        addresses(out, from).append(' ');
        addresses(out, sender.isEmpty() ? from : sender).append(' ');
        addresses(out, replyTo.isEmpty() ? from : replyTo).append(' ');
        addresses(out, AddressParser.parse(h.unfolded("to"))).append(' ');
        addresses(out, AddressParser.parse(h.unfolded("cc"))).append(' ');
        addresses(out, AddressParser.parse(h.unfolded("bcc"))).append(' ');
        ImapStrings.appendNString(out, h.unfolded("in-reply-to")).append(' ');
        ImapStrings.appendNString(out, h.unfolded("message-id"));
        return out.append(')').toString();
    }

    /** BODYSTRUCTURE when {@code extended}, else the non-extensible BODY. */
    static String body(ParsedEntity e, boolean extended) {
        return body(new StringBuilder(256), e, extended).toString();
    }

    private static StringBuilder body(StringBuilder out, ParsedEntity e, boolean extended) {
        ContentInfo info = e.info();
        out.append('(');
        if (!e.children().isEmpty()) {
            for (ParsedEntity child : e.children()) {
                body(out, child, extended);
            }
            out.append(' ');
            ImapStrings.appendString(out, info.subtype());
            if (extended) {
                params(out.append(' '), info.params()).append(' ');
                disposition(out, info.disposition()).append(' ');
                languages(out, info.language()).append(' ');
                ImapStrings.appendNString(out, info.location());
            }
            return out.append(')');
        }
        ImapStrings.appendString(out, info.type()).append(' ');
        ImapStrings.appendString(out, info.subtype()).append(' ');
        params(out, info.params()).append(' ');
        ImapStrings.appendNString(out, info.id()).append(' ');
        ImapStrings.appendNString(out, info.description()).append(' ');
        ImapStrings.appendString(out, info.encoding()).append(' ');
        out.append(e.bodyEnd() - e.bodyStart());
        if (info.isText()) {
            out.append(' ').append(e.bodyLines());
        } else if (e.message() != null) {
            out.append(' ').append(envelope(e.message().header())).append(' ');
            body(out, e.message(), extended).append(' ').append(e.bodyLines());
        }
        if (extended) {
            out.append(' ');
            ImapStrings.appendNString(out, info.md5()).append(' ');
            disposition(out, info.disposition()).append(' ');
            languages(out, info.language()).append(' ');
            ImapStrings.appendNString(out, info.location());
        }
        return out.append(')');
    }

    private static StringBuilder addresses(StringBuilder out, List<Address> list) {
        if (list.isEmpty()) {
            return out.append("NIL");
        }
        out.append('(');
        for (Address a : list) {
            out.append('(');
            ImapStrings.appendNString(out, a.name()).append(' ');
            ImapStrings.appendNString(out, a.adl()).append(' ');
            ImapStrings.appendNString(out, a.mailbox()).append(' ');
            ImapStrings.appendNString(out, a.host()).append(')');
        }
        return out.append(')');
    }

    private static StringBuilder params(StringBuilder out, List<Param> params) {
        if (params.isEmpty()) {
            return out.append("NIL");
        }
        out.append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            ImapStrings.appendString(out, params.get(i).name()).append(' ');
            ImapStrings.appendString(out, params.get(i).value());
        }
        return out.append(')');
    }

    private static StringBuilder disposition(StringBuilder out, Disposition d) {
        if (d == null) {
            return out.append("NIL");
        }
        out.append('(');
        ImapStrings.appendString(out, d.type()).append(' ');
        return params(out, d.params()).append(')');
    }

    private static StringBuilder languages(StringBuilder out, List<String> languages) {
        if (languages.isEmpty()) {
            return out.append("NIL");
        }
        out.append('(');
        for (int i = 0; i < languages.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            ImapStrings.appendString(out, languages.get(i));
        }
        return out.append(')');
    }
}
