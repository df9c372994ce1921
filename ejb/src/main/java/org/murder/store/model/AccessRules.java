package org.murder.store.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The ACL decisions of Cyrus 3.x's imapd and mboxlist, as pure functions over an {@link Acl}: MYRIGHTS,
 * LISTRIGHTS, SETACL/DELETEACL, the ACL of a new mailbox and whether CREATE may go ahead. Names are internal.
 */
public final class AccessRules {

    /** Why an ACL command is refused, with the response Cyrus sends. */
    public enum Refusal {
        /** {@code BAD "The <c> right is not supported"}. */
        INVALID_RIGHTS,
        /** {@code NO "Permission denied"}. */
        PERMISSION_DENIED,
        /** {@code NO "Mailbox does not exist"} — said when the caller may not even know the mailbox exists. */
        MAILBOX_NONEXISTENT,
        /** {@code NO "Invalid identifier"}. */
        INVALID_IDENTIFIER,
        /** {@code NO "Mailbox already exists"}. */
        MAILBOX_EXISTS,
        /** {@code NO "Invalid mailbox name"}. */
        BAD_NAME,
        /** {@code NO "Operation is not supported on mailbox"} — e.g. renaming a user's INBOX into a folder. */
        NOT_SUPPORTED;

        /** The text of the {@code NO} (or {@code BAD}) Cyrus answers with. */
        public String text() {
            return switch (this) {
                case INVALID_RIGHTS -> "Invalid rights";
                case PERMISSION_DENIED -> "Permission denied";
                case MAILBOX_NONEXISTENT -> "Mailbox does not exist";
                case INVALID_IDENTIFIER -> "Invalid identifier";
                case MAILBOX_EXISTS -> "Mailbox already exists";
                case BAD_NAME -> "Invalid mailbox name";
                case NOT_SUPPORTED -> "Operation is not supported on mailbox";
            };
        }
    }

    /** The outcome of SETACL/DELETEACL: the new ACL, or a refusal with its detail. */
    public record AclResult(Optional<Acl> acl, Optional<Refusal> refusal, String detail) {

        static AclResult ok(Acl acl) {
            return new AclResult(Optional.of(acl), Optional.empty(), "");
        }

        static AclResult refused(Refusal r, String detail) {
            return new AclResult(Optional.empty(), Optional.of(r), detail);
        }

        public boolean isOk() {
            return acl.isPresent();
        }
    }

    /**
     * A LISTRIGHTS answer: the rights always granted, then each right that may be granted on its own.
     *
     * @param required the rights the identifier always has (shown as {@code ""} when none)
     * @param optional each optional right as its own group, in Cyrus's order
     */
    public record ListRights(Rights required, List<String> optional) {

        public ListRights {
            optional = List.copyOf(optional);
        }

        /** The response data after mailbox and identifier: {@code lkxcan r s w i p t e d 0 1 ...}. */
        public String format() {
            StringBuilder b = new StringBuilder(required.isEmpty() ? "\"\"" : required.toString());
            for (String o : optional) {
                b.append(' ').append(o);
            }
            return b.toString();
        }
    }

    private final AclPolicy policy;

    public AccessRules(AclPolicy policy) {
        this.policy = Objects.requireNonNull(policy);
    }

    /** Rules with Cyrus's default options. */
    public static AccessRules cyrusDefaults() {
        return new AccessRules(AclPolicy.CYRUS_DEFAULTS);
    }

    public AclPolicy policy() {
        return policy;
    }

    /**
     * The caller's effective rights on a mailbox, as MYRIGHTS reports them ({@code printmyrights}): the ACL's
     * rights, plus {@code l a} for a global admin, or else plus {@code implicit_owner_rights} for the owner of a
     * mailbox under {@code user.<self>}.
     */
    public Rights myRights(Acl acl, String mailbox, String user, Collection<String> groups, boolean isAdmin) {
        Rights rights = acl.rightsOf(user, groups, false, policy);
        if (isAdmin) {
            return rights.plus(Rights.ADMIN_IMPLICIT);
        }
        if (MailboxName.ownedBy(mailbox, user)) {
            return rights.plus(policy.implicitOwnerRights());
        }
        return rights;
    }

    /**
     * The MYRIGHTS answer, or empty when Cyrus says "Mailbox does not exist" because the caller holds none of
     * {@code l r i k x a}.
     */
    public Optional<Rights> myRightsResponse(Acl acl, String mailbox, String user, Collection<String> groups,
                                             boolean isAdmin) {
        Rights r = myRights(acl, mailbox, user, groups, isAdmin);
        return r.revealsExistence() ? Optional.of(r) : Optional.empty();
    }

    /**
     * Whether the caller may ask LISTRIGHTS at all: Cyrus answers anyone holding any right from the ACL, an
     * admin, or the owner — others get "Mailbox does not exist". (RFC 4314 would want {@code l} or {@code a}.)
     */
    public boolean mayListRights(Acl acl, String mailbox, String user, Collection<String> groups, boolean isAdmin) {
        return isAdmin || MailboxName.ownedBy(mailbox, user)
                || !acl.rightsOf(user, groups, false, policy).isEmpty();
    }

    /**
     * The LISTRIGHTS answer for an identifier on a mailbox ({@code cmd_listrights}). The required rights are the
     * owner's implicit rights when the identifier owns the mailbox, {@code p} on any user's INBOX (anyone may
     * post to an INBOX), none otherwise; every other right of {@code lrswipkxtecdan0-9} is optional, one per
     * group — including the legacy letters, as Cyrus spells its rights strings.
     */
    public ListRights listRights(String mailbox, String identifier) {
        Rights implicit;
        if (MailboxName.ownedBy(mailbox, identifier)) {
            implicit = policy.implicitOwnerRights();
        } else if (MailboxName.isUserInbox(mailbox)) {
            implicit = Rights.parse("p");
        } else {
            implicit = Rights.NONE;
        }
        String optional = Rights.FULL.minus(implicit).toString();
        List<String> groups = new ArrayList<>(optional.length());
        for (char c : optional.toCharArray()) {
            groups.add(String.valueOf(c));
        }
        return new ListRights(implicit, groups);
    }

    /**
     * SETACL (and DELETEACL, with an empty {@code rightsArgument}), as {@code cmd_setacl} and
     * {@code mboxlist_setacl} decide it.
     * <ol>
     *   <li>An unknown letter is refused with BAD (one leading {@code +}/{@code -} is allowed).</li>
     *   <li>A non-admin needs {@code a} from the ACL itself — lacking it, they are told "Permission denied" if
     *       they hold {@code l}, "Mailbox does not exist" otherwise.</li>
     *   <li>With {@code anyoneuseracl} off, only admins may touch {@code anyone}.</li>
     *   <li>A non-admin may neither delete the owner's entry nor leave the owner without {@code a}
     *       ({@code -...a...}, or a replacement without {@code a}).</li>
     *   <li>When the caller or the identifier owns the mailbox, the owner's entry always keeps the implicit owner
     *       rights, and a negative entry for the owner cannot take them away.</li>
     *   <li>An empty result removes the entry.</li>
     * </ol>
     *
     * @param rightsArgument the SETACL rights, or empty for DELETEACL
     */
    public AclResult setAcl(Acl current, String mailbox, String identifier, String rightsArgument, String caller,
                            Collection<String> callerGroups, boolean callerIsAdmin) {
        Optional<Character> bad = AclChange.unsupported(rightsArgument);
        if (bad.isPresent()) {
            return AclResult.refused(Refusal.INVALID_RIGHTS, "The " + bad.get() + " right is not supported");
        }
        if (!callerIsAdmin) {
            Rights mine = current.rightsOf(caller, callerGroups, false, policy);
            if (!mine.has('a')) {
                return mine.has('l')
                        ? AclResult.refused(Refusal.PERMISSION_DENIED, "Permission denied")
                        : AclResult.refused(Refusal.MAILBOX_NONEXISTENT, "Mailbox does not exist");
            }
            if (!policy.anyoneUserAcl() && identifier.startsWith(Acl.ANYONE)) {
                return AclResult.refused(Refusal.PERMISSION_DENIED, "Permission denied");
            }
        }
        if (identifier.isEmpty() || identifier.equals("-")) {
            return AclResult.refused(Refusal.INVALID_IDENTIFIER, "Invalid identifier");
        }
        boolean callerOwns = MailboxName.ownedBy(mailbox, caller);
        boolean identifierOwns = MailboxName.ownedBy(mailbox, identifier);
        String owner = callerOwns ? caller : identifierOwns ? identifier : null;
        AclChange change = AclChange.parse(rightsArgument).orElseThrow();
        if (!callerIsAdmin && identifierOwns) {
            boolean deleting = rightsArgument.isEmpty();
            boolean givesAdmin = change.rights().has('a');
            boolean strips = deleting
                    || (change.mode() == AclChange.Mode.REMOVE && givesAdmin)
                    || (change.mode() == AclChange.Mode.REPLACE && !givesAdmin);
            if (strips) {
                return AclResult.refused(Refusal.PERMISSION_DENIED, "Permission denied");
            }
        }
        BiFunction<String, Rights, Rights> keepOwnerRights = owner == null ? null
                : (subject, rights) -> subject.equals(owner) ? rights.plus(policy.implicitOwnerRights()) : rights;
        return AclResult.ok(current.modify(identifier, change, keepOwnerRights));
    }

    /**
     * The ACL a new mailbox starts with ({@code mboxlist_create_acl}): a copy of its nearest existing
     * ancestor's; failing that, for a user's mailbox, the owner with every right ({@code lrswipkxtecdan}); for
     * anything else, {@code defaultacl} ({@code anyone lrs}).
     *
     * @param nearestAncestorAcl the ACL of the nearest existing mailbox among {@link MailboxName#ancestors()}
     */
    public Acl initialAcl(String mailbox, Optional<Acl> nearestAncestorAcl) {
        if (nearestAncestorAcl.isPresent()) {
            return nearestAncestorAcl.get();
        }
        Optional<String> owner = MailboxName.owner(mailbox);
        if (owner.isPresent()) {
            return Acl.EMPTY.modify(owner.get(), new AclChange(AclChange.Mode.REPLACE, Rights.ALL));
        }
        return Acl.fromConfig(policy.defaultAcl());
    }

    /**
     * Whether CREATE of an internal name may go ahead ({@code mboxlist_create_namecheck}); empty means yes.
     * <ol>
     *   <li>The name must pass Cyrus's policy check (delayed-delete names included, as Cyrus allows them).</li>
     *   <li>The owner of {@code user.<self>...} counts as an admin there when the implicit owner rights hold
     *       {@code a}.</li>
     *   <li>An existing mailbox: "Mailbox already exists", or "Permission denied" when the caller may not see it.</li>
     *   <li>With a parent, the caller needs {@code k} on it from its ACL.</li>
     *   <li>Without one, only admins may create, and not {@code user.x.y} before {@code user.x}.</li>
     * </ol>
     *
     * @param existingAcl        the ACL of the mailbox if it already exists
     * @param nearestAncestorAcl the ACL of its nearest existing ancestor, if any
     */
    public Optional<Refusal> checkCreate(String mailbox, boolean virtDomains, Optional<Acl> existingAcl,
                                         Optional<Acl> nearestAncestorAcl, String user, Collection<String> groups,
                                         boolean isAdmin) {
        if (MailboxName.validate(mailbox, virtDomains, true).isPresent()) {
            return Optional.of(Refusal.BAD_NAME);
        }
        boolean admin = isAdmin
                || (MailboxName.ownedBy(mailbox, user) && policy.implicitOwnerRights().has('a'));
        if (existingAcl.isPresent()) {
            if (!admin && !existingAcl.get().rightsOf(user, groups, false, policy).has('l')) {
                return Optional.of(Refusal.PERMISSION_DENIED);
            }
            return Optional.of(Refusal.MAILBOX_EXISTS);
        }
        if (nearestAncestorAcl.isPresent()) {
            if (!admin && !nearestAncestorAcl.get().rightsOf(user, groups, false, policy).has('k')) {
                return Optional.of(Refusal.PERMISSION_DENIED);
            }
            return Optional.empty();
        }
        if (!admin) {
            return Optional.of(Refusal.PERMISSION_DENIED);
        }
        MailboxName name = MailboxName.parse(mailbox);
        if (!name.isDeleted() && name.user().isPresent() && !name.boxes().isEmpty()) {
            return Optional.of(Refusal.PERMISSION_DENIED);
        }
        return Optional.empty();
    }

    /**
     * {@link #checkCreate(String, boolean, Optional, Optional, String, Collection, boolean)} with the ACLs looked up
     * by internal name: the mailbox's own, and its nearest existing ancestor's. Every path that makes a name —
     * CREATE, RENAME's destination, RENAME INBOX's new mailbox, INBOX autocreate at login and on delivery — asks
     * this, so a user can never make {@code user.<someone else>} (nor a top-level name) without an admin's say.
     *
     * @param aclOf the ACL of an existing mailbox, empty when there is none by that name
     */
    public Optional<Refusal> checkCreate(String mailbox, boolean virtDomains, Function<String, Optional<Acl>> aclOf,
                                         String user, Collection<String> groups, boolean isAdmin) {
        if (MailboxName.validate(mailbox, virtDomains, true).isPresent()) {
            return Optional.of(Refusal.BAD_NAME);
        }
        return checkCreate(mailbox, virtDomains, aclOf.apply(mailbox), nearestAncestorAcl(mailbox, aclOf), user,
                groups, isAdmin);
    }

    /** The ACL of the nearest existing mailbox among {@link MailboxName#ancestors()}, as Cyrus's findparent. */
    public static Optional<Acl> nearestAncestorAcl(String mailbox, Function<String, Optional<Acl>> aclOf) {
        for (MailboxName ancestor : MailboxName.parse(mailbox).ancestors()) {
            Optional<Acl> acl = aclOf.apply(ancestor.internal());
            if (acl.isPresent()) {
                return acl;
            }
        }
        return Optional.empty();
    }

    /**
     * Whether RENAME of {@code source} (already found, and the caller holding {@code x} on it or being an admin)
     * to {@code target} may go ahead ({@code mboxlist_renamemailbox}); empty means yes. RENAME of one's own INBOX
     * is not this: it creates {@code target} ({@link #checkCreate}) and moves the messages.
     * <ol>
     *   <li>A user's INBOX ({@code user.bob}) renamed under another spelling moves only to a deleted name, or — an
     *       admin with {@code allowusermoves} — to another user's INBOX; anything else is "not supported" (Cyrus:
     *       "Everything else is bogus").</li>
     *   <li>The destination follows CREATE's rules: the parent's {@code k}, the owner of {@code user.<self>}, or an
     *       admin; a name nobody may create cannot be reached by renaming either.</li>
     * </ol>
     */
    public Optional<Refusal> checkRename(String source, String target, boolean virtDomains,
                                         Function<String, Optional<Acl>> aclOf, String user,
                                         Collection<String> groups, boolean isAdmin, boolean allowUserMoves) {
        if (MailboxName.isUserInbox(source) && !MailboxName.isDeleted(target)
                && !(MailboxName.isUserInbox(target) && isAdmin && allowUserMoves)) {
            return Optional.of(Refusal.NOT_SUPPORTED);
        }
        return checkCreate(target, virtDomains, aclOf, user, groups, isAdmin);
    }
}
