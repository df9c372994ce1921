package org.murder.protocol.mupdate;

import org.murder.protocol.wire.WireWriter;

/**
 * Client side: encodes a command the way Cyrus's own clients do ({@code mupdate-client.c}, {@code mupdatetest}),
 * so that a Cyrus master sees familiar bytes: strings as {@code {n+}} literals, the SASL mechanism and the
 * COMPRESS algorithm quoted, CRLF at the end.
 */
public final class MupdateCommandEncoder {

    private MupdateCommandEncoder() {
    }

    public static byte[] encode(MupdateCommand command) {
        WireWriter w = new WireWriter().raw(command.tag()).sp();
        // JDK 17: no pattern matching in switch yet, hence the instanceof chain.
        if (command instanceof MupdateCommand.Authenticate a) {
            w.raw("AUTHENTICATE").sp().quoted(a.mechanism());
            a.initialResponse().ifPresent(ir -> w.sp().literal(ir));
        } else if (command instanceof MupdateCommand.Activate a) {
            w.raw("ACTIVATE").sp().literal(a.mailbox()).sp().literal(a.location().wire()).sp().literal(a.acl());
        } else if (command instanceof MupdateCommand.Deactivate d) {
            w.raw("DEACTIVATE").sp().literal(d.mailbox()).sp().literal(d.location().wire());
        } else if (command instanceof MupdateCommand.Reserve r) {
            w.raw("RESERVE").sp().literal(r.mailbox()).sp().literal(r.location().wire());
        } else if (command instanceof MupdateCommand.Delete d) {
            w.raw("DELETE").sp().literal(d.mailbox());
        } else if (command instanceof MupdateCommand.Find f) {
            w.raw("FIND").sp().literal(f.mailbox());
        } else if (command instanceof MupdateCommand.ListMailboxes l) {
            w.raw("LIST");
            l.locationPrefix().ifPresent(p -> w.sp().literal(p));
        } else if (command instanceof MupdateCommand.Update u) {
            w.raw("UPDATE");
            u.hosts().forEach(h -> w.sp().literal(h));
        } else if (command instanceof MupdateCommand.Noop) {
            w.raw("NOOP");
        } else if (command instanceof MupdateCommand.Logout) {
            w.raw("LOGOUT");
        } else if (command instanceof MupdateCommand.StartTls) {
            w.raw("STARTTLS");
        } else if (command instanceof MupdateCommand.Compress c) {
            w.raw("COMPRESS").sp().quoted(c.algorithm());
        } else {
            throw new IllegalStateException("unknown command type " + command.getClass());
        }
        return w.crlf().toByteArray();
    }
}
