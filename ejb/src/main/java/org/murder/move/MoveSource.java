package org.murder.move;

import java.io.IOException;
import java.util.Map;

/**
 * What a move does to its source besides reading it (docs/moves.md): freeze it, undo the freeze on a rollback, release
 * it once the master points at the destination, and say which ACL the copy takes. Reading is plain IMAP for every
 * source ({@link ImapMoveSource}); our backends and Cyrus 3.6 differ here alone: {@link OurMoveSource} uses our X
 * commands, {@link CyrusMoveSource} what a Cyrus backend offers an admin (docs/migration.md).
 */
interface MoveSource {

    /** The kind kept in the move's row ({@code ours}, {@code cyrus}). */
    String kind();

    /** From now on every write to the mailbox (its tree, for an INBOX) is refused or held. Idempotent. */
    void freeze(MailboxMove m) throws IOException;

    /** The rollback of {@link #freeze}; nothing frozen is fine. Idempotent. */
    void unfreeze(MailboxMove m) throws IOException;

    /** The master points at {@code location} (here): the source's copy goes, the master untouched. Idempotent. */
    void release(MailboxMove m, String location) throws IOException;

    /** The ACL the copy of {@code internal} takes, as {@code identifier → rights}. */
    Map<String, String> acl(MailboxMove m, String internal) throws IOException;
}
