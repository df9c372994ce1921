package org.murder.store.model;

/**
 * The imapd.conf options that shape ACL behaviour, with Cyrus 3.x's defaults.
 *
 * @param implicitOwnerRights {@code implicit_owner_rights} ({@code lkxan}): rights a user always has on the
 *                            mailboxes under {@code user.<self>}, and which SETACL cannot take from the owner's
 *                            entry
 * @param defaultAcl          {@code defaultacl} ({@code anyone lrs}): the ACL of a new non-user mailbox without
 *                            a parent
 * @param adminImpliesWrite   {@code acl_admin_implies_write} (off): {@code a} also grants {@code s w i t e n}
 * @param anyoneUserAcl       {@code anyoneuseracl} (on): whether non-admins may set rights for {@code anyone}
 */
public record AclPolicy(Rights implicitOwnerRights, String defaultAcl, boolean adminImpliesWrite,
                        boolean anyoneUserAcl) {

    public static final AclPolicy CYRUS_DEFAULTS =
            new AclPolicy(Rights.OWNER_IMPLICIT_DEFAULT, "anyone lrs", false, true);
}
