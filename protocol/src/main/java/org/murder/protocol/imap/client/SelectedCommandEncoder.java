package org.murder.protocol.imap.client;

import org.murder.protocol.imap.command.ImapCommand;

/**
 * Selected-state commands: FETCH, STORE, SEARCH, SORT, THREAD, COPY, MOVE, EXPUNGE and their UID forms, CHECK, CLOSE,
 * UNSELECT. Inside a selected remote mailbox these are what a frontend forwards most.
 */
final class SelectedCommandEncoder {

    private SelectedCommandEncoder() {
    }

    static void encode(CommandWriter w, ImapCommand.Selected command) {
        if (command instanceof ImapCommand.Check) {
            w.raw("CHECK");
        } else if (command instanceof ImapCommand.Close) {
            w.raw("CLOSE");
        } else if (command instanceof ImapCommand.Unselect) {
            w.raw("UNSELECT");
        } else if (command instanceof ImapCommand.Expunge) {
            w.raw("EXPUNGE");
        } else if (command instanceof ImapCommand.UidExpunge c) {
            w.raw("UID EXPUNGE").sp().raw(c.uids().toString());
        } else if (command instanceof ImapCommand.Fetch c) {
            uid(w, c.uid()).raw("FETCH").sp().raw(c.set().toString()).sp();
            FetchItemEncoder.items(w, c.items());
            c.changedSince().ifPresent(m -> w.raw(" (CHANGEDSINCE ").number(m).raw(c.vanished() ? " VANISHED)" : ")"));
        } else if (command instanceof ImapCommand.Store c) {
            store(w, c);
        } else if (command instanceof ImapCommand.Search c) {
            uid(w, c.uid()).raw("SEARCH").sp();
            returnOptions(w, c.returnOptions(), c.partial());
            c.charset().ifPresent(cs -> w.raw("CHARSET").sp().astring(cs).sp());
            SearchKeyEncoder.program(w, c.key());
        } else if (command instanceof ImapCommand.Sort c) {
            uid(w, c.uid()).raw("SORT").sp();
            returnOptions(w, c.returnOptions(), c.partial());
            w.raw("(" + String.join(" ", c.criteria().stream().map(Object::toString).toList()) + ")").sp();
            w.astring(c.charset()).sp();
            SearchKeyEncoder.program(w, c.key());
        } else if (command instanceof ImapCommand.ThreadCommand c) {
            uid(w, c.uid()).raw("THREAD").sp().raw(c.algorithm().name()).sp().astring(c.charset()).sp();
            SearchKeyEncoder.program(w, c.key());
        } else if (command instanceof ImapCommand.CancelUpdate c) {
            w.raw("CANCELUPDATE");
            for (String t : c.tags()) {
                w.sp().string(t);
            }
        } else if (command instanceof ImapCommand.Copy c) {
            uid(w, c.uid()).raw("COPY").sp().raw(c.set().toString()).sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.Move c) {
            uid(w, c.uid()).raw("MOVE").sp().raw(c.set().toString()).sp().mailbox(c.mailbox());
        } else {
            throw ImapCommandEncoder.unknown(command);
        }
    }

    private static void returnOptions(CommandWriter w, java.util.Set<org.murder.protocol.imap.command.SearchReturnOption> options,
                                      java.util.Optional<org.murder.protocol.imap.command.PartialRange> partial) {
        if (!options.isEmpty()) {
            w.raw("RETURN (" + String.join(" ", options.stream()
                    .map(o -> o == org.murder.protocol.imap.command.SearchReturnOption.PARTIAL
                            ? "PARTIAL " + partial.orElseThrow() : o.name()).toList()) + ") ");
        }
    }

    private static void store(CommandWriter w, ImapCommand.Store c) {
        uid(w, c.uid()).raw("STORE").sp().raw(c.set().toString()).sp();
        c.unchangedSince().ifPresent(m -> w.raw("(UNCHANGEDSINCE ").number(m).raw(") "));
        String sign = ImapCommandEncoder.sign(c.mode());
        w.raw(sign + (c.silent() ? "FLAGS.SILENT" : "FLAGS")).sp();
        ImapCommandEncoder.flags(w, c.flags());
    }

    private static CommandWriter uid(CommandWriter w, boolean uid) {
        return uid ? w.raw("UID ") : w;
    }
}
