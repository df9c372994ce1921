package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.murder.backend.MailboxService;
import org.murder.backend.QuotaService;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.protocol.imap.response.QuotaResource;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreQuota;
import org.murder.store.model.AccessRules;
import org.murder.store.model.Acl;
import org.murder.store.model.Namespace;
import org.murder.store.model.Rights;

/** RFC 4314 ACL and RFC 9208 QUOTA commands, with Cyrus's rules (store.model.AccessRules). */
@ApplicationScoped
public class AclQuotaCommands {

    private static final AccessRules RULES = AccessRules.cyrusDefaults();

    @Inject
    Namespace namespace;

    @EJB
    MailboxService mailboxes;

    @EJB
    QuotaService quotas;

    private Optional<StoreMailbox> mailbox(ImapSession s, String external) {
        return internal(s, external).flatMap(mailboxes::find);
    }

    private Optional<String> internal(ImapSession s, String external) {
        return MailboxCommands.internal(namespace, s, external);
    }

    private static void ok(Connection c, String tag) {
        ImapEndpoint.tagged(c, tag, ImapStatus.OK, "Completed");
    }

    private static void no(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.NO, text);
    }

    boolean handles(ImapCommand command) {
        return command instanceof ImapCommand.GetAcl || command instanceof ImapCommand.SetAcl
                || command instanceof ImapCommand.DeleteAcl || command instanceof ImapCommand.ListRights
                || command instanceof ImapCommand.MyRights || command instanceof ImapCommand.GetQuota
                || command instanceof ImapCommand.GetQuotaRoot || command instanceof ImapCommand.SetQuota;
    }

    void run(Connection c, ImapSession s, ImapCommand command) {
        String tag = command.tag();
        if (command instanceof ImapCommand.GetQuota q) {
            getQuota(c, s, tag, q.root());
            return;
        }
        if (command instanceof ImapCommand.SetQuota q) {
            setQuota(c, s, tag, q);
            return;
        }
        String name = command instanceof ImapCommand.GetAcl g ? g.mailbox()
                : command instanceof ImapCommand.SetAcl sa ? sa.mailbox()
                : command instanceof ImapCommand.DeleteAcl d ? d.mailbox()
                : command instanceof ImapCommand.ListRights lr ? lr.mailbox()
                : command instanceof ImapCommand.MyRights mr ? mr.mailbox()
                : ((ImapCommand.GetQuotaRoot) command).mailbox();
        Optional<StoreMailbox> found = mailbox(s, name);
        if (found.isEmpty()) {
            no(c, tag, "Mailbox does not exist");
            return;
        }
        StoreMailbox m = found.get();
        Acl acl = Acl.parse(m.acl());
        Rights mine = RULES.myRights(acl, m.name(), s.user(), Set.of(), s.admin());
        if (command instanceof ImapCommand.MyRights) {
            Optional<Rights> r = RULES.myRightsResponse(acl, m.name(), s.user(), Set.of(), s.admin());
            if (r.isEmpty()) {
                no(c, tag, "Mailbox does not exist");
                return;
            }
            c.write(ImapResponses.myrights(name, s.utf8Names(), r.get().toString()));
            ok(c, tag);
        } else if (command instanceof ImapCommand.GetAcl) {
            if (!mine.has('a')) {
                no(c, tag, mine.has('l') ? "Permission denied" : "Mailbox does not exist");
                return;
            }
            Map<String, String> entries = new LinkedHashMap<>();
            acl.entries().forEach(e -> entries.put(e.identifier(), e.rights().toString()));
            c.write(ImapResponses.acl(name, s.utf8Names(), entries));
            ok(c, tag);
        } else if (command instanceof ImapCommand.ListRights lr) {
            if (!RULES.mayListRights(acl, m.name(), s.user(), Set.of(), s.admin())) {
                no(c, tag, "Mailbox does not exist");
                return;
            }
            AccessRules.ListRights rights = RULES.listRights(m.name(), lr.identifier());
            c.write(ImapResponses.listrights(name, s.utf8Names(), lr.identifier(), rights.required().toString(), rights.optional()));
            ok(c, tag);
        } else if (command instanceof ImapCommand.SetAcl sa) {
            String argument = switch (sa.mode()) {
                case ADD -> "+" + sa.rights();
                case REMOVE -> "-" + sa.rights();
                case SET -> sa.rights();
            };
            change(c, s, tag, m, acl, sa.identifier(), argument);
        } else if (command instanceof ImapCommand.DeleteAcl d) {
            change(c, s, tag, m, acl, d.identifier(), "");
        } else if (command instanceof ImapCommand.GetQuotaRoot) {
            if (!mine.has('r') && !mine.has('l')) {
                no(c, tag, "Mailbox does not exist");
                return;
            }
            Optional<String> root = quotas.governing(m);
            c.write(ImapResponses.quotaroot(name, s.utf8Names(), root.map(r -> List.of(externalRoot(s, r))).orElse(List.of())));
            root.ifPresent(r -> quotas.root(r).ifPresent(q -> c.write(ImapResponses.quota(externalRoot(s, r), s.utf8Names(), resources(q)))));
            ok(c, tag);
        }
    }

    private void change(Connection c, ImapSession s, String tag, StoreMailbox m, Acl acl, String identifier, String argument) {
        AccessRules.AclResult result = RULES.setAcl(acl, m.name(), identifier, argument, s.user(), Set.of(), s.admin());
        if (!result.isOk()) {
            AccessRules.Refusal why = result.refusal().orElseThrow();
            ImapEndpoint.tagged(c, tag, why == AccessRules.Refusal.INVALID_RIGHTS ? ImapStatus.BAD : ImapStatus.NO,
                    result.detail());
            return;
        }
        try {
            mailboxes.setAcl(m, result.acl().orElseThrow().format());
            ok(c, tag);
        } catch (MailboxService.MailboxException e) {
            MailboxCommands.refused(c, tag, e);
        }
    }

    private String externalRoot(ImapSession s, String internal) {
        return namespace.toExternal(internal, s.user(), s.admin()).map(MailboxNames::decodeUtf7).orElse(internal);
    }

    private List<QuotaResource> resources(StoreQuota q) {
        QuotaService.Usage u = quotas.usage(q.root());
        List<QuotaResource> out = new ArrayList<>();
        if (q.storageKb() != null) {
            out.add(new QuotaResource("STORAGE", u.bytes() / 1024, q.storageKb()));
        }
        if (q.messageLimit() != null) {
            out.add(new QuotaResource("MESSAGE", u.messages(), q.messageLimit()));
        }
        return out;
    }

    private void getQuota(Connection c, ImapSession s, String tag, String root) {
        Optional<String> internal = internal(s, root);
        Optional<StoreQuota> q = internal.flatMap(quotas::root);
        if (q.isEmpty()) {
            no(c, tag, "Quota root does not exist");
            return;
        }
        boolean own = internal.get().equals("user." + s.user().replace('.', '^'))
                || internal.get().startsWith("user." + s.user().replace('.', '^') + ".");
        if (!s.admin() && !own) {
            no(c, tag, "Permission denied");
            return;
        }
        c.write(ImapResponses.quota(root, s.utf8Names(), resources(q.get())));
        ok(c, tag);
    }

    private void setQuota(Connection c, ImapSession s, String tag, ImapCommand.SetQuota q) {
        if (!s.admin()) {
            no(c, tag, "Permission denied");
            return;
        }
        Optional<String> internal = internal(s, q.root());
        if (internal.isEmpty()) {
            no(c, tag, "Invalid quota root");
            return;
        }
        for (String resource : q.limits().keySet()) {
            if (!resource.equalsIgnoreCase("STORAGE") && !resource.equalsIgnoreCase("MESSAGE")) {
                no(c, tag, "Unsupported resource " + resource);
                return;
            }
        }
        Long storage = q.limits().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("STORAGE"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        Long messages = q.limits().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("MESSAGE"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        quotas.set(internal.get(), storage, messages);
        quotas.root(internal.get()).ifPresent(root -> c.write(ImapResponses.quota(q.root(), s.utf8Names(), resources(root))));
        ok(c, tag);
    }
}
