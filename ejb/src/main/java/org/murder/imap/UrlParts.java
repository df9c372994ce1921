package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.murder.protocol.imap.ImapUrl;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.message.ByteRange;
import org.murder.protocol.imap.message.HeaderFields;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.store.MailboxIndex;
import org.murder.store.MessageStore;
import org.murder.store.Spool;
import org.murder.store.StoreMailbox;
import org.murder.store.model.Namespace;

/**
 * What CATENATE's URL parts name (RFC 4469): a message, or a part of one as {@code BODY[section]<partial>} would give
 * it, in a mailbox of this server the user may read ({@code r}, as Cyrus checks). Anything else — a URL we do not take,
 * a mailbox that is not here (on a frontend: on another backend than the APPEND's), no {@code r}, a UIDVALIDITY that
 * changed, a message or part that is not there — is {@code NO [BADURL url]}, as in Cyrus 3.6.
 */
@ApplicationScoped
public class UrlParts {

    private static final int CHUNK = 64 * 1024;

    @Inject
    Namespace namespace;

    @Inject
    Spool spool;

    @EJB
    MessageStore store;

    /**
     * Appends what {@code url} names to {@code out}, refusing with {@code TOOBIG} before {@code out} would pass
     * {@code limit} bytes (0: no limit).
     */
    void copy(ImapSession s, String url, Spool.TempWriter out, long limit) throws AppendRefused, IOException {
        ImapUrl parsed;
        try {
            parsed = ImapUrl.parse(url);
        } catch (ImapUrl.InvalidUrlException e) {
            throw AppendRefused.badUrl(url, e.getMessage());
        }
        StoreMailbox m = mailbox(s, url, parsed);
        if (parsed.uidValidity().isPresent() && parsed.uidValidity().getAsLong() != m.uidValidity()) {
            throw AppendRefused.badUrl(url, "Uidvalidity of mailbox has changed");
        }
        MailboxIndex index = store.index(m.id());
        int i = index.indexOf(parsed.uid());
        if (i < 0) {
            throw AppendRefused.badUrl(url, "No such message in mailbox");
        }
        MessageStore.IndexRow row = index.row(i);
        Path file = spool.messagePath(m.partition(), m.id(), row.uid());
        try {
            copy(url, parsed, row, file, out, limit);
        } catch (NoSuchFileException expungedMeanwhile) {
            throw AppendRefused.badUrl(url, "No such message in mailbox");
        }
    }

    /** The mailbox the URL names (the selected one for a URL without a mailbox), if the user may read it. */
    private StoreMailbox mailbox(ImapSession s, String url, ImapUrl parsed) throws AppendRefused {
        Optional<String> internal;
        if (parsed.mailbox().isPresent()) {
            internal = namespace.toInternal(MailboxNames.encodeUtf7(parsed.mailbox().get()), s.user(), s.admin());
        } else {
            Optional<SelectedMailbox> sel = s.selected();
            if (sel.isEmpty()) {
                throw AppendRefused.badUrl(url, "No mailbox is selected or specified");
            }
            internal = Optional.of(sel.get().internalName);
        }
        Optional<StoreMailbox> found = internal.flatMap(store::mailbox);
        if (found.isEmpty()) {
            throw AppendRefused.badUrl(url, "Mailbox does not exist");
        }
        org.murder.store.model.Rights rights = MailboxCommands.rights(s, found.get().acl());
        if (!rights.has('r')) {
            // as Cyrus: who may not even see the mailbox is not told it exists
            throw AppendRefused.badUrl(url, rights.has('l') ? "Permission denied" : "Mailbox does not exist");
        }
        return found.get();
    }

    private void copy(String url, ImapUrl parsed, MessageStore.IndexRow row, Path file, Spool.TempWriter out, long limit)
            throws AppendRefused, IOException {
        ByteRange range = ByteRange.between(0, row.size());
        byte[] selectedFields = null;
        if (parsed.section().isPresent()) {
            FetchItem.Section section = parsed.section().get();
            MessageStructure structure = MessageStructure.deserialize(store.cache(file, row.id()).structure());
            Optional<ByteRange> found = structure.section(section);
            if (found.isEmpty()) {
                throw AppendRefused.badUrl(url, "No such message part");
            }
            range = found.get();
            if (section.specifier().map(FetchItem.Specifier::hasFields).orElse(false)) {
                try (InputStream in = Files.newInputStream(file)) {
                    in.skipNBytes(range.offset()); // the header's own blank line ends what select reads
                    selectedFields = HeaderFields.select(in, section.fields(),
                            section.specifier().get() == FetchItem.Specifier.HEADER_FIELDS_NOT);
                }
                range = ByteRange.between(0, selectedFields.length);
            }
        }
        if (parsed.partial().isPresent()) {
            ImapUrl.Partial p = parsed.partial().get();
            range = range.partial(p.offset(), p.length().orElse(Long.MAX_VALUE - p.offset()));
        }
        if (limit > 0 && out.size() + range.length() > limit) {
            throw AppendRefused.tooBig();
        }
        if (selectedFields != null) {
            out.write(selectedFields, (int) range.offset(), (int) range.length());
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(range.offset());
            byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(1, range.length()))];
            long left = range.length();
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("message file shorter than its index says: " + file);
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
