/**
 * Pure domain rules of the IMAP backend, written to match Cyrus IMAP 3.x's observable behaviour: mailbox names
 * and the standard namespace ({@link org.murder.store.model.Namespace}, {@link org.murder.store.model.MailboxName},
 * {@link org.murder.store.model.UserId}), rights and ACLs ({@link org.murder.store.model.Rights},
 * {@link org.murder.store.model.Acl}, {@link org.murder.store.model.AccessRules}), LIST/LSUB matching
 * ({@link org.murder.store.model.ListPattern}, {@link org.murder.store.model.MailboxListing}) and quotas
 * ({@link org.murder.store.model.QuotaRoot}, {@link org.murder.store.model.QuotaCheck}).
 *
 * <p>No container, no persistence, no I/O: every class here is a value or a function, so the protocol processors
 * and the EJBs can share them and they are tested exhaustively in plain JUnit. Sources read: Cyrus's
 * {@code lib/acl.c}, {@code lib/acl_afs.c}, {@code lib/glob.c}, {@code imap/mboxname.c}, {@code imap/mboxlist.c},
 * {@code imap/imapd.c}, {@code imap/quota_db.c} and {@code lib/imapoptions}; RFC 3501, 4314, 5258, 9208.
 *
 * <p>Configuration assumed: the standard namespace ({@code altnamespace: no}) with {@code .} as the default
 * separator, as in the Cyrus 3.6 transcripts we were given — Cyrus 3.x itself defaults both
 * {@code altnamespace} and {@code unixhierarchysep} to on; {@link org.murder.store.model.Namespace} also takes
 * {@code /}. The legacy {@code deleteright} is Cyrus's default {@code c}.
 *
 * <p>Deliberate differences from Cyrus, each small:
 * <ul>
 *   <li>{@link org.murder.store.model.MailboxName#validate(String)} refuses any name whose first level is
 *       {@code DELETED} unless asked to allow the delayed-delete hierarchy; Cyrus lets a client create a shared
 *       {@code DELETED.foo}, which then collides with its own delayed-delete names.</li>
 *   <li>It also refuses every mailbox under {@code user.anyone}, {@code user.anonymous} and {@code user.%...},
 *       where Cyrus's policy check only names the INBOXes (the sub-mailboxes are uncreatable there anyway), and a
 *       second {@code !} after a domain.</li>
 *   <li>Without virtual domains a user id containing {@code @} is one local part; Cyrus strips the domain at
 *       login before it ever gets that far.</li>
 *   <li>With {@code /} as separator, a name whose level holds {@code /} has no external form (Cyrus would print
 *       an ambiguous one).</li>
 * </ul>
 */
package org.murder.store.model;
