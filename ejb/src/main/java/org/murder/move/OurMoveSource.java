package org.murder.move;

import java.io.IOException;
import java.util.Map;

/** One of our backends as a move's source: {@code XFREEZE}, {@code XUNFREEZE}, {@code XRELEASE} (docs/moves.md). */
final class OurMoveSource implements MoveSource {

    static final String KIND = "ours";

    private final ImapMoveSource imap;

    OurMoveSource(ImapMoveSource imap) {
        this.imap = imap;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void freeze(MailboxMove m) throws IOException {
        imap.freeze(m.mailbox(), m.id());
    }

    @Override
    public void unfreeze(MailboxMove m) throws IOException {
        imap.unfreeze(m.mailbox(), m.id());
    }

    @Override
    public void release(MailboxMove m, String location) throws IOException {
        imap.release(m.mailbox(), m.id(), location);
    }

    @Override
    public Map<String, String> acl(MailboxMove m, String internal) throws IOException {
        return imap.acl(internal); // frozen by a mark of its own, the source's ACL is the user's
    }
}
