package org.murder.protocol.imap.client;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.ListReturnOption;
import org.murder.protocol.imap.command.ListSelectOption;
import org.murder.protocol.imap.command.QresyncParameters;
import org.murder.protocol.imap.command.StatusItem;

/**
 * Authenticated-state commands that name mailboxes: SELECT/EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE,
 * LIST/LSUB, STATUS, and the ACL and QUOTA families. Their names are what a proxy most often re-quotes.
 */
final class MailboxCommandEncoder {

    private MailboxCommandEncoder() {
    }

    /** Writes {@code command} and returns true, or returns false when it is not one of this family's. */
    static boolean encode(CommandWriter w, ImapCommand.Authenticated command) {
        if (command instanceof ImapCommand.Select c) {
            select(w, "SELECT", c.mailbox(), c.condstore(), c.qresync());
        } else if (command instanceof ImapCommand.Examine c) {
            select(w, "EXAMINE", c.mailbox(), c.condstore(), c.qresync());
        } else if (command instanceof ImapCommand.Create c) {
            w.raw("CREATE").sp().mailbox(c.mailbox());
            c.location().ifPresent(l -> w.sp().astring(l));
            if (!c.specialUse().isEmpty()) {
                w.raw(" (USE ");
                ImapCommandEncoder.flags(w, c.specialUse());
                w.raw(")");
            }
        } else if (command instanceof ImapCommand.Delete c) {
            w.raw("DELETE").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.Rename c) {
            w.raw("RENAME").sp().mailbox(c.from()).sp().mailbox(c.to());
            c.location().ifPresent(l -> w.sp().astring(l));
        } else if (command instanceof ImapCommand.XPull c) {
            w.raw("XPULL").sp().mailbox(c.mailbox()).sp().astring(c.server()).sp().astring(c.partition());
        } else if (command instanceof ImapCommand.XMoveStep c) {
            w.raw("X" + c.step().name()).sp().mailbox(c.mailbox()).sp().astring(c.moveId());
            c.location().ifPresent(l -> w.sp().astring(l));
        } else if (command instanceof ImapCommand.Subscribe c) {
            w.raw("SUBSCRIBE").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.Unsubscribe c) {
            w.raw("UNSUBSCRIBE").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.ListCommand c) {
            list(w, c);
        } else if (command instanceof ImapCommand.Lsub c) {
            w.raw("LSUB").sp().mailboxPattern(c.reference(), false).sp().mailboxPattern(c.pattern(), true);
        } else if (command instanceof ImapCommand.Status c) {
            w.raw("STATUS").sp().mailbox(c.mailbox()).sp();
            statusItems(w, c.items());
        } else {
            return aclOrQuota(w, command);
        }
        return true;
    }

    private static boolean aclOrQuota(CommandWriter w, ImapCommand.Authenticated command) {
        if (command instanceof ImapCommand.GetAcl c) {
            w.raw("GETACL").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.MyRights c) {
            w.raw("MYRIGHTS").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.SetAcl c) {
            String sign = ImapCommandEncoder.sign(c.mode());
            w.raw("SETACL").sp().mailbox(c.mailbox()).sp().astring(c.identifier()).sp().astring(sign + c.rights());
        } else if (command instanceof ImapCommand.DeleteAcl c) {
            w.raw("DELETEACL").sp().mailbox(c.mailbox()).sp().astring(c.identifier());
        } else if (command instanceof ImapCommand.ListRights c) {
            w.raw("LISTRIGHTS").sp().mailbox(c.mailbox()).sp().astring(c.identifier());
        } else if (command instanceof ImapCommand.GetQuota c) {
            w.raw("GETQUOTA").sp().mailboxPattern(c.root(), false);
        } else if (command instanceof ImapCommand.GetQuotaRoot c) {
            w.raw("GETQUOTAROOT").sp().mailbox(c.mailbox());
        } else if (command instanceof ImapCommand.SetQuota c) {
            w.raw("SETQUOTA").sp().mailboxPattern(c.root(), false).sp().list(c.limits().entrySet(),
                    limit -> w.atom(limit.getKey(), "quota resource").sp().number(limit.getValue()));
        } else {
            return false;
        }
        return true;
    }

    private static void select(CommandWriter w, String name, String mailbox, boolean condstore,
                               Optional<QresyncParameters> qresync) {
        w.raw(name).sp().mailbox(mailbox);
        if (qresync.isPresent()) {
            QresyncParameters q = qresync.get();
            w.raw(condstore ? " (CONDSTORE QRESYNC (" : " (QRESYNC (").number(q.uidValidity()).sp().number(q.modSeq());
            q.knownUids().ifPresent(uids -> w.sp().raw(uids.toString()));
            q.seqMatch().ifPresent(m -> w.raw(" (" + m.msns() + " " + m.uids() + ")"));
            w.raw("))");
        } else if (condstore) {
            w.raw(" (CONDSTORE)");
        }
    }

    /** {@code LIST [(selection)] reference pattern|(patterns) [RETURN (options)]} (RFC 5258). */
    private static void list(CommandWriter w, ImapCommand.ListCommand c) {
        w.raw("LIST").sp();
        if (!c.selectOptions().isEmpty()) {
            w.raw("(" + c.selectOptions().stream().map(ListSelectOption::wireName).collect(Collectors.joining(" "))
                    + ") ");
        }
        w.mailboxPattern(c.reference(), false).sp();
        List<String> patterns = c.patterns();
        if (patterns.size() == 1) {
            w.mailboxPattern(patterns.get(0), true);
        } else {
            w.list(patterns, p -> w.mailboxPattern(p, true));
        }
        Set<ListReturnOption> returns = c.returnOptions();
        if (!returns.isEmpty() || !c.statusItems().isEmpty()) {
            w.raw(" RETURN (" + returns.stream().map(ListReturnOption::wireName).collect(Collectors.joining(" ")));
            if (!c.statusItems().isEmpty()) {
                w.raw(returns.isEmpty() ? "STATUS " : " STATUS ");
                statusItems(w, c.statusItems());
            }
            w.raw(")");
        }
    }

    private static void statusItems(CommandWriter w, List<StatusItem> items) {
        if (items.isEmpty()) {
            throw new ImapEncodingException("STATUS needs an item");
        }
        w.raw("(" + items.stream().map(StatusItem::wireName).collect(Collectors.joining(" ")) + ")");
    }
}
