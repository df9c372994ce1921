package org.murder.move;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;

/**
 * A Cyrus 3.6 backend as a move's source: the migration of a Cyrus murder to ours (docs/migration.md). Cyrus has no
 * {@code XFREEZE}/{@code XRELEASE}; what an admin reaching it over IMAP can do instead:
 *
 * <ul>
 * <li><b>freeze</b>: the ACL of every mailbox of the tree is recorded in the move's row, then narrowed to {@code lr}
 * for every identifier (Cyrus then refuses APPEND, COPY into it, and a SELECT from then on is read-only), and the
 * master's entries turn RESERVED at the destination ({@code DEACTIVATE}), so that every frontend, ours and Cyrus's,
 * answers 4xx for deliveries and refuses to open the mailbox. What it cannot stop: a session that had the mailbox
 * selected before keeps its rights (Cyrus computes them at SELECT), and a delivery straight to the Cyrus backend's
 * lmtpd (not through a frontend) still lands in the INBOX (lmtpd ignores ACLs there). The second is carried over at
 * the release; the first's flag changes after the last pass are lost (docs/migration.md says so).</li>
 * <li><b>unfreeze</b> (rollback): the recorded ACLs go back, and the master's entries go back ACTIVE at the
 * source.</li>
 * <li><b>release</b>: messages the source took after the last pass are appended to the copy (live by then, under
 * new UIDs), then each mailbox is removed with Cyrus's admin-only {@code LOCALDELETE} (children first), which never
 * tells the master — whose entries are ours now.</li>
 * </ul>
 */
final class CyrusMoveSource implements MoveSource {

    static final String KIND = "cyrus";
    private static final Logger LOG = Logger.getLogger(CyrusMoveSource.class.getName());

    /** The master as the destination reaches it (MUPDATE). */
    interface Master {
        Optional<MailboxRecord> find(String name) throws IOException;

        /** {@code DEACTIVATE}: the entry turns RESERVED at the destination (done already is fine). */
        void take(String name) throws IOException;

        /** {@code ACTIVATE} back at the source's {@code server!partition}. */
        void giveBack(String name, String server, String partition, String acl) throws IOException;
    }

    /** The move's rows and its copy here. */
    interface Here {
        List<MailboxMoveItem> items(long moveId);

        void frozenEntries(long moveId, String entries);

        /**
         * Appends {@code late} (the source's messages after the last pass) to the live copy of {@code item} and records
         * {@code uidNext} as synchronized, in one transaction: a repeated release does not carry them twice.
         */
        void carry(MailboxMoveItem item, long uidNext, long highestModSeq, List<ImapMoveSource.Message> late) throws IOException;
    }

    /** One mailbox of the tree as it was when the freeze began. */
    record Entry(String name, String partition, String acl) {
    }

    private final ImapMoveSource imap;
    private final Master master;
    private final Here here;

    CyrusMoveSource(ImapMoveSource imap, Master master, Here here) {
        this.imap = imap;
        this.master = master;
        this.here = here;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void freeze(MailboxMove m) throws IOException {
        List<Entry> entries = decode(m.frozenEntries());
        if (entries.isEmpty()) {
            // recorded before anything changes: a retry or the rollback works from this, never from a narrowed ACL
            for (String name : imap.tree(m.mailbox(), m.wholeUser())) {
                MailboxRecord r = master.find(name).orElseThrow(() -> new ImapMoveSource.Refused(
                        "the master has no entry for " + name));
                if (!r.server().equalsIgnoreCase(m.source()) || r.kind() != MailboxKind.ACTIVE) {
                    throw new ImapMoveSource.Refused("the master places " + name + " at " + r.server() + "!"
                            + r.partition() + " (" + r.kind() + "), not at " + m.source());
                }
                entries.add(new Entry(name, r.partition(), ImapMoveSource.aclText(imap.acl(name))));
            }
            here.frozenEntries(m.id(), encode(entries));
        }
        for (Entry e : entries) {
            for (Map.Entry<String, String> right : ImapMoveSource.aclMap(e.acl()).entrySet()) {
                String narrowed = readOnly(right.getValue());
                if (!narrowed.equals(right.getValue())) {
                    imap.setAcl(e.name(), right.getKey(), narrowed);
                }
            }
        }
        for (Entry e : entries) {
            master.take(e.name());
        }
        LOG.info(() -> "MURDER-MOVE-030 " + m.mailbox() + " frozen at the Cyrus backend " + m.source() + " ("
                + entries.size() + " mailbox(es): ACLs narrowed to lr, the master's entries RESERVED here)");
    }

    @Override
    public void unfreeze(MailboxMove m) throws IOException {
        List<Entry> entries = decode(m.frozenEntries());
        for (Entry e : entries) {
            for (Map.Entry<String, String> right : ImapMoveSource.aclMap(e.acl()).entrySet()) {
                imap.setAcl(e.name(), right.getKey(), right.getValue());
            }
            master.giveBack(e.name(), m.source(), e.partition(), e.acl());
        }
        if (!entries.isEmpty()) {
            LOG.info(() -> "MURDER-MOVE-031 " + m.mailbox() + " live again at the Cyrus backend " + m.source()
                    + " (ACLs and the master's entries put back)");
        }
    }

    @Override
    public void release(MailboxMove m, String location) throws IOException {
        List<MailboxMoveItem> items = new ArrayList<>(here.items(m.id()));
        items.sort(Comparator.comparing(MailboxMoveItem::name, CHILDREN_FIRST));
        int carried = 0;
        for (MailboxMoveItem i : items) {
            if (!imap.exists(i.name())) {
                continue; // removed by an earlier attempt
            }
            ImapMoveSource.Head head = imap.examine(i.name());
            if (head.uidNext() > i.syncedUidNext()) {
                List<Long> late = late(imap.uids(i.name()), i.syncedUidNext());
                List<ImapMoveSource.Message> messages = imap.bodies(i.name(), late);
                here.carry(i, head.uidNext(), head.highestModSeq(), messages);
                carried += messages.size();
                int n = messages.size();
                LOG.warning(() -> "MURDER-MOVE-032 " + i.name() + ": " + n + " message(s) reached the Cyrus backend "
                        + m.source() + " after the last pass (delivered to it directly?); appended to the copy here");
            }
            imap.localDelete(i.name());
        }
        int n = carried;
        LOG.info(() -> "MURDER-MOVE-033 " + m.mailbox() + " removed from the Cyrus backend " + m.source()
                + " with LOCALDELETE (" + items.size() + " mailbox(es), " + n + " late message(s) carried over); the"
                + " master points at " + location);
    }

    @Override
    public Map<String, String> acl(MailboxMove m, String internal) throws IOException {
        for (Entry e : decode(m.frozenEntries())) {
            if (e.name().equals(internal)) {
                return ImapMoveSource.aclMap(e.acl()); // the ACL before the freeze narrowed it
            }
        }
        return imap.acl(internal); // made after the freeze began: never narrowed
    }

    // ------------------------------------------------------------------ the pure parts (unit-tested)

    /** The rights that only read: lookup and read ({@code s}, keeping \Seen, is a write too). */
    static String readOnly(String rights) {
        StringBuilder b = new StringBuilder();
        for (char c : rights.toCharArray()) {
            if (c == 'l' || c == 'r') {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Deeper mailboxes first: Cyrus's LOCALDELETE refuses a mailbox with children, an INBOX aside. */
    static final Comparator<String> CHILDREN_FIRST = Comparator.<String>comparingLong(n -> n.chars().filter(c -> c == '.')
            .count()).reversed().thenComparing(Comparator.naturalOrder());

    /** The UIDs the source gave after the last pass. */
    static List<Long> late(Set<Long> uids, long syncedUidNext) {
        return uids.stream().filter(u -> u >= syncedUidNext).sorted().toList();
    }

    private static final char FIELD = '\u0001';

    static String encode(List<Entry> entries) {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(e.name()).append(FIELD).append(e.partition()).append(FIELD).append(e.acl()).append('\n');
        }
        return b.toString();
    }

    static List<Entry> decode(String text) {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(String.valueOf(FIELD), -1);
            if (f.length == 3) {
                out.add(new Entry(f[0], f[1], f[2]));
            }
        }
        return out;
    }
}
