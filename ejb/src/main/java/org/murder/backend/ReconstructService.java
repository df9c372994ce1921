package org.murder.backend;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.store.MessageCacheData;
import org.murder.store.MessageFlags;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.StoreMessage;
import org.murder.store.StoreMessageCache;

/**
 * Cyrus's {@code reconstruct}: makes a mailbox's metadata agree with its spool files. A file without a
 * row is indexed again (flags lost, date from the file); a row without its file is dropped (the message
 * is gone); a file whose size changed is re-parsed; counters and UIDNEXT are recomputed. A dry run
 * reports without changing anything.
 */
@Stateless
public class ReconstructService {

    @PersistenceContext(unitName = "murder")
    EntityManager em;

    @Inject
    Spool spool;

    @Inject
    org.murder.store.SortFieldsCache sortKeys;

    /** One fix, for the report. */
    public record Fix(String mailbox, long uid, String what) {
        @Override
        public String toString() {
            return mailbox + " uid " + uid + ": " + what;
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public List<Fix> reconstruct(String mailboxName, boolean dryRun) throws IOException {
        StoreMailbox box = em.createNamedQuery("StoreMailbox.byName", StoreMailbox.class).setParameter("name", mailboxName)
                .getResultStream().findFirst().orElseThrow(() -> new IllegalArgumentException("no mailbox " + mailboxName));
        if (!dryRun) {
            box = em.find(StoreMailbox.class, box.id(), LockModeType.PESSIMISTIC_WRITE);
        }
        Map<Long, Path> files = new TreeMap<>();
        Path dir = spool.mailboxDir(box.partition(), box.id());
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.forEach(p -> {
                    String n = p.getFileName().toString();
                    if (n.matches("[0-9]+\\.")) {
                        files.put(Long.parseLong(n.substring(0, n.length() - 1)), p);
                    }
                });
            }
        }
        Map<Long, StoreMessage> rows = new HashMap<>();
        em.createNamedQuery("StoreMessage.inMailbox", StoreMessage.class).setParameter("mailbox", box.id())
                .getResultStream().forEach(m -> rows.put(m.uid(), m));
        List<Fix> fixes = new ArrayList<>();
        long maxUid = 0;
        for (Map.Entry<Long, StoreMessage> e : rows.entrySet()) {
            if (!files.containsKey(e.getKey())) {
                fixes.add(new Fix(box.name(), e.getKey(), "index entry without a file: removed"));
                if (!dryRun) {
                    org.murder.store.MessageFacts.remove(em, e.getValue().id());
                    em.remove(e.getValue());
                }
            }
        }
        long count = 0;
        long size = 0;
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            long uid = f.getKey();
            long fileSize = Files.size(f.getValue());
            maxUid = Math.max(maxUid, uid);
            StoreMessage row = rows.get(uid);
            if (row == null) {
                fixes.add(new Fix(box.name(), uid, "file without an index entry: indexed"));
                if (!dryRun) {
                    index(box, uid, f.getValue(), fileSize);
                }
            } else if (row.size() != fileSize) {
                fixes.add(new Fix(box.name(), uid, "size " + row.size() + " in the index, " + fileSize + " on disk: re-indexed"));
                if (!dryRun) {
                    MessageFlags flags = row.flags();
                    org.murder.store.MessageFacts.remove(em, row.id());
                    em.remove(row);
                    em.flush();
                    index(box, uid, f.getValue(), fileSize).flags(flags);
                }
            }
            count++;
            size += fileSize;
        }
        if (box.messages() != count || box.totalSize() != size || box.uidNext() <= maxUid) {
            fixes.add(new Fix(box.name(), 0, "counters " + box.messages() + "/" + box.totalSize() + "/uidnext " + box.uidNext()
                    + " recomputed as " + count + "/" + size + "/" + Math.max(box.uidNext(), maxUid + 1)));
            if (!dryRun) {
                box.recount(count, size, maxUid + 1);
            }
        }
        if (!dryRun && !fixes.isEmpty()) {
            sortKeys.forget(box.id(), box.partition()); // a UID re-indexed from its file may hold another message now
        }
        return fixes;
    }

    private StoreMessage index(StoreMailbox box, long uid, Path file, long size) throws IOException {
        MessageStructure structure;
        String sha;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            structure = MessageStructure.parse(in);
            sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
        StoreMessage m = new StoreMessage(box.id(), uid, box.takeModSeq(), MessageFlags.NONE,
                Instant.ofEpochMilli(Files.getLastModifiedTime(file).toMillis()), size, sha);
        MessageCacheData facts = MessageCacheData.of(structure, file);
        m.sentDate(facts);
        em.persist(m);
        em.flush();
        org.murder.store.MessageFacts.persist(em, m.id(), facts);
        return m;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
