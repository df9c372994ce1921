package org.murder.proxy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.client.FetchedMessage;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.StoreMode;

/** The mailbox selected on another backend, read and expunged through the session's connection there. */
public final class BackendCopySource implements CopySource {

    private static final int MAX_UIDS = 1_000_000;

    private final Connection client;
    private final BackendConnection source;
    private final boolean uid;
    private final SequenceSet set;

    public BackendCopySource(Connection client, BackendConnection source, boolean uid, SequenceSet set) {
        this.client = client;
        this.source = source;
        this.uid = uid;
        this.set = set;
    }

    @Override
    public void uids(BiConsumer<List<Long>, Failure> then) {
        source.send(new ImapCommand.Fetch("F", uid, set, List.of(FetchItem.Attribute.UID), OptionalLong.empty()),
                new CollectingReply(MAX_UIDS, (responses, tagged) -> {
                    if (!ok(tagged)) {
                        then.accept(null, failure(tagged, "the source mailbox's messages cannot be read"));
                        return;
                    }
                    then.accept(responses.stream().map(FetchedMessage::parse).flatMap(Optional::stream)
                            .map(FetchedMessage::uid).filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                            .distinct().sorted().toList(), null);
                }));
    }

    @Override
    public void message(long u, BiConsumer<Optional<Message>, Failure> then) {
        List<FetchItem> items = List.of(FetchItem.Attribute.UID, FetchItem.Attribute.FLAGS,
                FetchItem.Attribute.INTERNALDATE, new FetchItem.BodySection(true, FetchItem.Section.whole(), Optional.empty()));
        source.send(new ImapCommand.Fetch("F", true, SequenceSet.of(u), items, OptionalLong.empty()),
                new CollectingReply(16, (responses, tagged) -> {
                    if (!ok(tagged)) {
                        then.accept(null, failure(tagged, "a message cannot be read from the source"));
                        return;
                    }
                    then.accept(responses.stream().map(FetchedMessage::parse).flatMap(Optional::stream)
                            .filter(f -> f.uid().orElse(-1) == u && f.body().isPresent()).findFirst()
                            .map(f -> new Message(u, f.flags().orElse(List.of()), f.internalDate(), f.body().get())), null);
                }));
    }

    @Override
    public void removeOriginals(List<Long> uids, Consumer<Failure> then) {
        SequenceSet originals = SequenceSet.of(uids.stream().mapToLong(Long::longValue).toArray());
        source.send(new ImapCommand.Store("S", true, originals, StoreMode.ADD, true, List.of("\\Deleted"), OptionalLong.empty()),
                new CollectingReply(0, (ignored, stored) -> {
                    if (!ok(stored)) {
                        then.accept(failure(stored, "the originals cannot be removed from the source"));
                        return;
                    }
                    // the source's EXPUNGE responses are the client's: its view of the mailbox changes
                    source.send(new ImapCommand.UidExpunge("X", originals), new ClientRelay(client, "X", source,
                            ClientRelay::allButBye, r -> { }) {
                        @Override
                        public void tagged(ImapResponse response) {
                            then.accept(null);
                        }

                        @Override
                        public void failed(String why) {
                            then.accept(new Failure(Optional.empty(), why));
                        }
                    });
                }));
    }

    static boolean ok(Optional<ImapResponse> tagged) {
        return tagged.isPresent() && tagged.get().head().status().orElse(null) == ImapResponseHead.Status.OK;
    }

    private static Failure failure(Optional<ImapResponse> tagged, String why) {
        return new Failure(tagged, why);
    }
}
