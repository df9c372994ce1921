package org.murder.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.murder.connector.api.Connection;
import org.murder.proxy.CopySource;
import org.murder.store.Spool;

/**
 * The mailbox this session has selected in this node's store, as the source of a COPY or MOVE to another backend:
 * messages read from the spool with the session's own flags (its \Seen on a shared mailbox), a MOVE's originals
 * expunged in the session as its own EXPUNGE would.
 */
final class LocalCopySource implements CopySource {

    private final Connection client;
    private final ImapSession session;
    private final SelectedMailbox selected;
    private final List<Long> uids;
    private final Spool spool;
    private final MessageCommands messages;

    LocalCopySource(Connection client, ImapSession session, SelectedMailbox selected, List<Long> uids, Spool spool,
                    MessageCommands messages) {
        this.client = client;
        this.session = session;
        this.selected = selected;
        this.uids = List.copyOf(uids);
        this.spool = spool;
        this.messages = messages;
    }

    @Override
    public void uids(BiConsumer<List<Long>, Failure> then) {
        then.accept(uids, null);
    }

    @Override
    public void message(long uid, BiConsumer<Optional<Message>, Failure> then) {
        int i = selected.view().indexOf(uid);
        if (i < 0) {
            then.accept(Optional.empty(), null);
            return;
        }
        SelectedMailbox.Message m = selected.message(i);
        byte[] body;
        try {
            body = Files.readAllBytes(spool.messagePath(selected.partition, selected.mailboxId, uid));
        } catch (IOException e) {
            then.accept(null, new Failure(Optional.empty(), "a message cannot be read from the spool"));
            return;
        }
        then.accept(Optional.of(new Message(uid, m.flags().atoms(), Optional.of(m.internalDate().atZone(ZoneOffset.UTC)),
                body)), null);
    }

    @Override
    public void removeOriginals(List<Long> copied, Consumer<Failure> then) {
        messages.expungeCopied(client, session, selected, copied);
        then.accept(null);
    }
}
