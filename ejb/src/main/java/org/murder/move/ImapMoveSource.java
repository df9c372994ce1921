package org.murder.move;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.client.BlockingImapClient;
import org.murder.protocol.imap.client.BlockingImapClient.Answer;
import org.murder.protocol.imap.client.FetchedMessage;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.imap.client.ImapResponseLimits;
import org.murder.protocol.imap.client.ListResponse;

/**
 * A move's source read over plain IMAP (docs/moves.md): one session as the admin who asked for the move, and, for a
 * user's mailboxes, one as their owner (proxy authorization), whose view has the owner's \Seen and subscriptions.
 * Standard commands only, but for the freeze and the release ({@code XFREEZE}, {@code XUNFREEZE},
 * {@code XRELEASE}), which our backends answer; a Cyrus source would differ there alone.
 */
public final class ImapMoveSource implements AutoCloseable {

    /** Refused by the source in a way no retry mends (no such mailbox, not an admin): the move rolls back. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    /** What EXAMINE tells of a mailbox. */
    public record Head(long uidValidity, long uidNext, long highestModSeq, long recent) {
    }

    /** A message with its body, as the source has it. */
    public record Message(long uid, List<String> flags, Instant internalDate, long modSeq, byte[] body) {
    }

    /** A quota root's limits (null: none). */
    public record Quota(String root, Long storageKb, Long messages) {
    }

    /** How this node reaches and logs in to the source. */
    public record Login(InetSocketAddress address, String authname, String password, String admin, Duration timeout) {
    }

    private static final ImapResponseLimits LIMITS = new ImapResponseLimits(64 << 20, 256L << 20, 1_000, 512L << 20);

    private final Login login;
    private final Set<BlockingImapClient> qresync = new HashSet<>();
    private BlockingImapClient admin;
    private BlockingImapClient owner;
    private String ownerName;
    private BlockingImapClient selectedOn;
    private String selected;

    public ImapMoveSource(Login login) {
        this.login = login;
    }

    private BlockingImapClient admin() throws IOException {
        if (admin == null) {
            admin = open(login.admin());
        }
        return admin;
    }

    private BlockingImapClient open(String authzid) throws IOException {
        BlockingImapClient c = BlockingImapClient.connect(login.address(), login.timeout(), LIMITS);
        Answer a;
        try {
            a = c.authenticatePlain(authzid, login.authname(), login.password());
        } catch (IOException e) {
            c.close();
            throw e;
        }
        if (!a.ok()) {
            c.close();
            throw new Refused(c.peer() + " refused " + login.authname() + " acting as " + authzid + ": " + a.text());
        }
        // QRESYNC's VANISHED tells which UIDs the source expunged before the move (a server without it: none known)
        if (c.command("ENABLE QRESYNC").named("ENABLED").stream().anyMatch(r -> r.head().text().toUpperCase(
                java.util.Locale.ROOT).contains("QRESYNC"))) {
            qresync.add(c);
        }
        return c;
    }

    /** The user whose mailbox this is ({@code user.<id>...}), if any. */
    static Optional<String> ownerOf(String internal) {
        if (!internal.startsWith("user.")) {
            return Optional.empty();
        }
        String rest = internal.substring(5);
        int dot = rest.indexOf('.');
        return Optional.of((dot < 0 ? rest : rest.substring(0, dot)).replace('^', '.'));
    }

    /** A user mailbox as its owner names it (standard namespace): {@code user.bob.x} → {@code INBOX.x}. */
    static String ownerView(String internal, String owner) {
        String inbox = "user." + owner.replace('.', '^');
        return internal.equals(inbox) ? "INBOX" : "INBOX" + internal.substring(inbox.length());
    }

    /** The session that reads {@code internal}'s messages, and the name it uses for it. */
    private Map.Entry<BlockingImapClient, String> reader(String internal) throws IOException {
        Optional<String> who = ownerOf(internal);
        if (who.isEmpty()) {
            return Map.entry(admin(), internal);
        }
        if (owner == null || !who.get().equals(ownerName)) {
            if (owner != null) {
                owner.close();
                selectedOn = selectedOn == owner ? null : selectedOn;
            }
            owner = open(who.get());
            ownerName = who.get();
        }
        return Map.entry(owner, ownerView(internal, who.get()));
    }

    /** The mailboxes that move: the one named, or with an INBOX everything below it too. */
    public List<String> tree(String mailbox, boolean wholeUser) throws IOException {
        String patterns = wholeUser ? "(" + BlockingImapClient.string(mailbox) + " " + BlockingImapClient.string(mailbox + ".*")
                + ")" : BlockingImapClient.string(mailbox);
        Answer a = admin().command("LIST \"\" " + patterns);
        expectOk(a, "LIST " + mailbox);
        List<String> out = new ArrayList<>();
        for (ImapResponse r : a.named("LIST")) {
            ListResponse.parse(r).filter(l -> l.attributes().stream().noneMatch(x -> x.equalsIgnoreCase("\\Noselect")
                            || x.equalsIgnoreCase("\\NonExistent")))
                    .ifPresent(l -> out.add(org.murder.protocol.imap.MailboxName.of(l.mailbox()).utf7()
                            .orElse(l.mailbox()))); // LIST decodes modified UTF-7; internal names keep it
        }
        if (!out.contains(mailbox)) {
            throw new Refused("Mailbox " + mailbox + " does not exist at " + admin().peer());
        }
        out.sort(null);
        return out;
    }

    /** Whether the source has {@code internal} (an admin's LIST). */
    public boolean exists(String internal) throws IOException {
        Answer a = admin().command("LIST \"\" " + BlockingImapClient.string(internal));
        expectOk(a, "LIST " + internal);
        return a.named("LIST").stream().map(ListResponse::parse).flatMap(Optional::stream)
                .anyMatch(l -> internal.equals(org.murder.protocol.imap.MailboxName.of(l.mailbox()).utf7()
                        .orElse(l.mailbox())) && l.attributes().stream().noneMatch(x -> x.equalsIgnoreCase("\\Noselect")
                        || x.equalsIgnoreCase("\\NonExistent")));
    }

    /** EXAMINE (CONDSTORE): what the source's mailbox counters are now. */
    public Head examine(String internal) throws IOException {
        Map.Entry<BlockingImapClient, String> r = reader(internal);
        Answer a = r.getKey().command("EXAMINE " + BlockingImapClient.string(r.getValue()) + " (CONDSTORE)");
        if (!a.ok()) {
            throw new Refused("EXAMINE " + internal + " at " + r.getKey().peer() + ": " + a.text());
        }
        selectedOn = r.getKey();
        selected = internal;
        long recent = a.named("RECENT").stream().mapToLong(x -> x.head().number().orElse(0)).findFirst().orElse(0);
        return new Head(number(a.code("UIDVALIDITY")), number(a.code("UIDNEXT")), number(a.code("HIGHESTMODSEQ")), recent);
    }

    private static long number(Optional<String> s) throws IOException {
        try {
            return Long.parseLong(s.orElseThrow(() -> new IOException("missing counter in EXAMINE's answer")).trim());
        } catch (NumberFormatException e) {
            throw new IOException("bad counter in EXAMINE's answer: " + s.get());
        }
    }

    private BlockingImapClient selected(String internal) throws IOException {
        if (selectedOn == null || !internal.equals(selected)) {
            examine(internal);
        }
        return selectedOn;
    }

    /** Every UID in the mailbox. */
    public Set<Long> uids(String internal) throws IOException {
        Answer a = selected(internal).command("UID SEARCH ALL");
        expectOk(a, "UID SEARCH " + internal);
        Set<Long> out = new HashSet<>();
        for (ImapResponse r : a.named("SEARCH")) {
            for (String w : r.head().text().trim().split(" +")) {
                if (!w.isEmpty() && Character.isDigit(w.charAt(0))) {
                    out.add(Long.parseLong(w));
                }
            }
        }
        return out;
    }

    /** What changed at the source: flags and MODSEQs, and (from a QRESYNC source) the UIDs expunged. */
    public record Changes(Map<Long, MoveDelta.Change> changed, List<Long> vanished) {
    }

    /**
     * Flags and MODSEQ of every message changed after {@code modSeq} (for 0: every message, and the UIDs the source
     * remembers expunging, which the copy must remember too so that QRESYNC clients learn of them after the move).
     */
    public Changes changedSince(String internal, long modSeq, long uidNext) throws IOException {
        BlockingImapClient c = selected(internal);
        boolean vanished = modSeq == 0 && qresync.contains(c);
        Answer a = c.command("UID FETCH 1:* (UID FLAGS MODSEQ)"
                + (vanished ? " (CHANGEDSINCE 1 VANISHED)" : modSeq > 0 ? " (CHANGEDSINCE " + modSeq + ")" : ""));
        expectOk(a, "UID FETCH " + internal);
        List<Long> gone = new ArrayList<>();
        for (ImapResponse r : a.named("VANISHED")) {
            String set = r.head().text().trim();
            if (set.toUpperCase(java.util.Locale.ROOT).startsWith("(EARLIER)")) {
                set = set.substring("(EARLIER)".length()).trim();
            }
            SequenceSet.parse(set).stream(Math.max(1, uidNext - 1)).forEach(gone::add);
        }
        Map<Long, MoveDelta.Change> out = new HashMap<>();
        for (ImapResponse r : a.named("FETCH")) {
            Optional<FetchedMessage> m = FetchedMessage.parse(r);
            if (m.isPresent() && m.get().uid().isPresent()) {
                out.put(m.get().uid().getAsLong(), new MoveDelta.Change(m.get().flags().orElse(List.of()),
                        m.get().modSeq().orElse(0)));
            }
        }
        return new Changes(out, gone);
    }

    /** Whole messages; a UID expunged meanwhile is simply missing from the answer. */
    public List<Message> bodies(String internal, List<Long> uids) throws IOException {
        if (uids.isEmpty()) {
            return List.of();
        }
        Answer a = selected(internal).command("UID FETCH " + SequenceSet.of(uids.stream().mapToLong(Long::longValue)
                .toArray()) + " (UID FLAGS INTERNALDATE MODSEQ BODY.PEEK[])");
        expectOk(a, "UID FETCH " + internal);
        List<Message> out = new ArrayList<>();
        for (ImapResponse r : a.named("FETCH")) {
            Optional<FetchedMessage> m = FetchedMessage.parse(r);
            if (m.isPresent() && m.get().uid().isPresent() && m.get().body().isPresent()) {
                FetchedMessage f = m.get();
                out.add(new Message(f.uid().getAsLong(), f.flags().orElse(List.of()),
                        f.internalDate().map(java.time.ZonedDateTime::toInstant).orElse(Instant.EPOCH),
                        f.modSeq().orElse(0), f.body().get()));
            }
        }
        return out;
    }

    /** The mailbox's ACL as {@code identifier rights} pairs, in order. */
    public Map<String, String> acl(String internal) throws IOException {
        Answer a = admin().command("GETACL " + BlockingImapClient.string(internal));
        expectOk(a, "GETACL " + internal);
        Map<String, String> out = new LinkedHashMap<>();
        for (ImapResponse r : a.named("ACL")) {
            List<String> words = words(r.head().text());
            for (int i = 1; i + 1 < words.size(); i += 2) {
                out.put(words.get(i), words.get(i + 1));
            }
        }
        return out;
    }

    /**
     * The mailbox's special use (RFC 6154), if it has one, as its owner's LIST shows it (Cyrus keeps it as the owner's
     * private annotation, which an admin's LIST does not show).
     */
    public Optional<String> specialUse(String internal) throws IOException {
        Map.Entry<BlockingImapClient, String> r = reader(internal);
        Answer a = r.getKey().command("LIST \"\" " + BlockingImapClient.string(r.getValue()) + " RETURN (SPECIAL-USE)");
        if (!a.ok()) {
            return Optional.empty(); // a server without LIST-EXTENDED: no special use to keep
        }
        for (ImapResponse resp : a.named("LIST")) {
            Optional<ListResponse> l = ListResponse.parse(resp);
            if (l.isPresent() && l.get().mailbox().equals(r.getValue())) {
                return l.get().attributes().stream().filter(x -> List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged",
                        "\\Junk", "\\Sent", "\\Trash").stream().anyMatch(x::equalsIgnoreCase)).findFirst();
            }
        }
        return Optional.empty();
    }

    /** The quota root named {@code root} with its limits, if {@code mailbox} falls under it. */
    public Optional<Quota> quota(String mailbox, String root) throws IOException {
        Answer a = admin().command("GETQUOTAROOT " + BlockingImapClient.string(mailbox));
        if (!a.ok()) {
            return Optional.empty();
        }
        for (ImapResponse r : a.named("QUOTA")) {
            String text = r.head().text().trim();
            int paren = text.indexOf('(');
            if (paren < 0 || !words(text.substring(0, paren)).equals(List.of(root))) {
                continue;
            }
            List<String> items = words(text.substring(paren + 1, text.lastIndexOf(')')));
            Long storage = null;
            Long messages = null;
            for (int i = 0; i + 2 < items.size(); i += 3) {
                long limit = Long.parseLong(items.get(i + 2));
                if (items.get(i).equalsIgnoreCase("STORAGE")) {
                    storage = limit;
                } else if (items.get(i).equalsIgnoreCase("MESSAGE")) {
                    messages = limit;
                }
            }
            return Optional.of(new Quota(root, storage, messages));
        }
        return Optional.empty();
    }

    /** The owner's subscriptions, as the owner names them ({@code INBOX.x}, {@code user.alice.y}, {@code shared}). */
    public List<String> subscriptions(String inbox) throws IOException {
        Map.Entry<BlockingImapClient, String> r = reader(inbox);
        Answer a = r.getKey().command("LSUB \"\" \"*\"");
        expectOk(a, "LSUB");
        List<String> out = new ArrayList<>();
        for (ImapResponse resp : a.named("LSUB")) {
            ListResponse.parse(resp).ifPresent(l -> out.add(l.mailbox()));
        }
        return out;
    }

    /** {@code XFREEZE}: the source refuses every write to the mailbox (its tree, for an INBOX) from now on. */
    public void freeze(String mailbox, long moveId) throws IOException {
        step("XFREEZE", mailbox, moveId, "");
    }

    public void unfreeze(String mailbox, long moveId) throws IOException {
        step("XUNFREEZE", mailbox, moveId, "");
    }

    /** {@code XRELEASE}: the source removes its copy, the master pointing at {@code location} already. */
    public void release(String mailbox, long moveId, String location) throws IOException {
        step("XRELEASE", mailbox, moveId, " " + BlockingImapClient.string(location));
    }

    /**
     * Whether the source is a Cyrus murder backend: Cyrus's backends announce {@code MUPDATE=mupdate://master/} (they
     * update the master themselves), ours do not. It decides how the move freezes and releases (docs/migration.md).
     */
    public boolean isCyrus() throws IOException {
        Answer a = admin().command("CAPABILITY");
        expectOk(a, "CAPABILITY");
        return cyrusCapabilities(a.named("CAPABILITY").stream().map(r -> r.head().text()).toList());
    }

    static boolean cyrusCapabilities(List<String> capabilityLines) {
        return capabilityLines.stream().flatMap(l -> java.util.Arrays.stream(l.trim().split(" +")))
                .anyMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("MUPDATE="));
    }

    /** {@code SETACL}, or {@code DELETEACL} for no rights: as the admin (a Cyrus source's freeze and its undoing). */
    public void setAcl(String internal, String identifier, String rights) throws IOException {
        Answer a = admin().command((rights.isEmpty() ? "DELETEACL " : "SETACL ") + BlockingImapClient.string(internal) + " "
                + BlockingImapClient.string(identifier) + (rights.isEmpty() ? "" : " " + BlockingImapClient.string(rights)));
        if (!a.ok()) {
            throw new IOException((rights.isEmpty() ? "DELETEACL " : "SETACL ") + internal + " " + identifier + " at "
                    + admin().peer() + ": " + a.status() + " " + a.text());
        }
    }

    /**
     * Cyrus's {@code LOCALDELETE} (an admin's DELETE of the local copy alone, without telling the master, which points
     * elsewhere by then). False when the mailbox is not there (gone already: the release is done).
     */
    public boolean localDelete(String internal) throws IOException {
        unselect();
        Answer a = admin().command("LOCALDELETE " + BlockingImapClient.string(internal));
        if (a.ok()) {
            return true;
        }
        if (a.status() == ImapResponseHead.Status.NO
                && a.text().toLowerCase(java.util.Locale.ROOT).contains("does not exist")) {
            return false;
        }
        throw new Refused("LOCALDELETE " + internal + " at " + admin().peer() + ": " + a.status() + " " + a.text());
    }

    private void step(String verb, String mailbox, long moveId, String rest) throws IOException {
        unselect();
        Answer a = admin().command(verb + " " + BlockingImapClient.string(mailbox) + " " + moveId + rest);
        if (!a.ok()) {
            throw new Refused(verb + " " + mailbox + " at " + admin().peer() + ": " + a.text());
        }
    }

    private void unselect() throws IOException {
        if (selectedOn != null) {
            selectedOn.command("UNSELECT");
            selectedOn = null;
            selected = null;
        }
    }

    private static void expectOk(Answer a, String what) throws IOException {
        if (!a.ok()) {
            throw new IOException(what + ": " + a.status() + " " + a.text());
        }
    }

    /** Astrings of a response line: atoms and quoted strings. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                        i++;
                    }
                    b.append(text.charAt(i++));
                }
                out.add(b.toString());
                i++;
            } else {
                int end = text.indexOf(' ', i);
                end = end < 0 ? text.length() : end;
                out.add(text.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (owner != null) {
            owner.close();
        }
        if (admin != null) {
            admin.close();
        }
        owner = null;
        admin = null;
        selectedOn = null;
    }

    /** The master's ACL form: {@code id\trights\t…}. */
    static String aclText(Map<String, String> acl) {
        StringBuilder b = new StringBuilder();
        acl.forEach((who, rights) -> b.append(who).append('\t').append(rights).append('\t'));
        return b.toString();
    }

    static Map<String, String> aclMap(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] w = text.split("\t");
        for (int i = 0; i + 1 < w.length; i += 2) {
            if (!w[i].isEmpty()) {
                out.put(w[i], w[i + 1]);
            }
        }
        return out;
    }
}
