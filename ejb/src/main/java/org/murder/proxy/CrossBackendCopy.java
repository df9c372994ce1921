package org.murder.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.client.FetchedMessage;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.imap.command.FetchItem;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.StoreMode;

/**
 * COPY or MOVE from the mailbox selected on one backend to a mailbox on another, which no backend can do alone: each
 * message is fetched whole from the source (one at a time, so memory holds one message) and APPENDed to the
 * destination with its flags and internal date; a MOVE then expunges the originals. COPYUID is given only when every
 * APPEND answered APPENDUID under one UIDVALIDITY — honest or absent, never invented. Event-driven: each step is the
 * previous answer's continuation; the client's next command waits ({@link Connection#holdInput()}).
 */
public final class CrossBackendCopy {

    private static final Logger LOG = Logger.getLogger(CrossBackendCopy.class.getName());
    private static final int MAX_UIDS = 1_000_000;

    private final Connection client;
    private final String tag;
    private final boolean uid;
    private final SequenceSet set;
    private final boolean move;
    private final BackendConnection source;
    private final BackendConnection destination;
    private final String destinationMailbox;

    private List<Long> uids = List.of();
    private int next;
    private final List<Long> copiedFrom = new ArrayList<>();
    private final List<Long> copiedTo = new ArrayList<>();
    private OptionalLong uidValidity = OptionalLong.empty();
    private boolean honestUids = true;

    public CrossBackendCopy(Connection client, String tag, boolean uid, SequenceSet set, boolean move,
                            BackendConnection source, BackendConnection destination, String destinationMailbox) {
        this.client = client;
        this.tag = tag;
        this.uid = uid;
        this.set = set;
        this.move = move;
        this.source = source;
        this.destination = destination;
        this.destinationMailbox = destinationMailbox;
    }

    public void start() {
        client.holdInput();
        source.send(new ImapCommand.Fetch("F", uid, set, List.of(FetchItem.Attribute.UID), OptionalLong.empty()),
                new CollectingReply(MAX_UIDS, (responses, tagged) -> {
                    if (!ok(tagged)) {
                        finish(tagged, "the source mailbox's messages cannot be read");
                        return;
                    }
                    uids = responses.stream().map(FetchedMessage::parse).flatMap(Optional::stream)
                            .map(FetchedMessage::uid).filter(OptionalLong::isPresent).map(OptionalLong::getAsLong)
                            .distinct().sorted().toList();
                    copyNext();
                }));
    }

    private void copyNext() {
        if (next >= uids.size()) {
            copied();
            return;
        }
        long u = uids.get(next++);
        List<FetchItem> items = List.of(FetchItem.Attribute.UID, FetchItem.Attribute.FLAGS,
                FetchItem.Attribute.INTERNALDATE, new FetchItem.BodySection(true, FetchItem.Section.whole(), Optional.empty()));
        source.send(new ImapCommand.Fetch("F", true, SequenceSet.of(u), items, OptionalLong.empty()),
                new CollectingReply(16, (responses, tagged) -> {
                    Optional<FetchedMessage> m = responses.stream().map(FetchedMessage::parse).flatMap(Optional::stream)
                            .filter(f -> f.uid().orElse(-1) == u && f.body().isPresent()).findFirst();
                    if (!ok(tagged)) {
                        finish(tagged, "a message cannot be read from the source");
                    } else if (m.isEmpty()) {
                        copyNext(); // expunged meanwhile: nothing to copy
                    } else {
                        append(u, m.get());
                    }
                }));
    }

    private void append(long fromUid, FetchedMessage m) {
        byte[] body = m.body().orElseThrow();
        List<String> flags = m.flags().orElse(List.of()).stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).toList();
        destination.send(new ImapCommand.Append("A", destinationMailbox, flags, m.internalDate(),
                        new MessageLiteral(body, 0, body.length, false)),
                new CollectingReply(16, (responses, tagged) -> {
                    if (!ok(tagged)) {
                        finish(tagged, "the destination refused a message");
                        return;
                    }
                    copiedFrom.add(fromUid);
                    appendUid(tagged.get()).ifPresentOrElse(pair -> {
                        if (uidValidity.isPresent() && uidValidity.getAsLong() != pair[0]) {
                            honestUids = false;
                        }
                        uidValidity = OptionalLong.of(pair[0]);
                        copiedTo.add(pair[1]);
                    }, () -> honestUids = false);
                    copyNext();
                }));
    }

    /** Every message is at the destination: a MOVE now removes the originals. */
    private void copied() {
        String copyUid = copyUid();
        if (!move || copiedFrom.isEmpty()) {
            done(copyUid);
            return;
        }
        SequenceSet originals = SequenceSet.of(copiedFrom.stream().mapToLong(Long::longValue).toArray());
        source.send(new ImapCommand.Store("S", true, originals, StoreMode.ADD, true, List.of("\\Deleted"), OptionalLong.empty()),
                new CollectingReply(0, (ignored, stored) -> {
                    if (!ok(stored)) {
                        finish(stored, "the originals cannot be removed from the source");
                        return;
                    }
                    if (!copyUid.isEmpty()) {
                        client.write(("* OK [" + copyUid + "] Moved\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    // the source's EXPUNGE responses are the client's: its view of the mailbox changes
                    source.send(new ImapCommand.UidExpunge("X", originals), new ClientRelay(client, tag, source,
                            ClientRelay::allButBye, r -> { }) {
                        @Override
                        public void tagged(ImapResponse response) {
                            client.write((tag + " OK Completed\r\n").getBytes(StandardCharsets.US_ASCII));
                            client.releaseInput();
                        }
                    });
                }));
    }

    private String copyUid() {
        if (!honestUids || uidValidity.isEmpty() || copiedTo.size() != copiedFrom.size() || copiedFrom.isEmpty()) {
            return "";
        }
        return "COPYUID " + uidValidity.getAsLong() + " " + SequenceSet.of(copiedFrom.stream().mapToLong(Long::longValue).toArray())
                + " " + list(copiedTo);
    }

    /** Destination UIDs in the source's order (RFC 4315: the sets correspond one to one; not a range). */
    private static String list(List<Long> uids) {
        StringBuilder b = new StringBuilder();
        for (long u : uids) {
            b.append(b.length() == 0 ? "" : ",").append(u);
        }
        return b.toString();
    }

    private void done(String copyUid) {
        client.write((tag + " OK " + (copyUid.isEmpty() ? "" : "[" + copyUid + "] ") + "Completed\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        client.releaseInput();
    }

    /** Ends with the backend's refusal (its code kept: TRYCREATE, OVERQUOTA...), or UNAVAILABLE when it is gone. */
    private void finish(Optional<ImapResponse> tagged, String why) {
        if (!copiedFrom.isEmpty()) {
            LOG.info(() -> "MURDER-PROXY-007 " + (move ? "MOVE" : "COPY") + " to " + destinationMailbox + " stopped after "
                    + copiedFrom.size() + " of " + uids.size() + " messages: " + why);
        }
        if (tagged.isPresent()) {
            client.write(tagged.get().retag(tag));
        } else {
            client.write((tag + " NO [UNAVAILABLE] " + why + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        client.releaseInput();
    }

    private static boolean ok(Optional<ImapResponse> tagged) {
        return tagged.isPresent() && tagged.get().head().status().orElse(null) == ImapResponseHead.Status.OK;
    }

    /** {@code [APPENDUID uidvalidity uid]} of a tagged OK. */
    private static Optional<long[]> appendUid(ImapResponse tagged) {
        return tagged.head().code().filter(c -> c.name().equals("APPENDUID")).flatMap(c -> {
            String[] w = c.arguments().trim().split(" +");
            try {
                return w.length == 2 ? Optional.of(new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])}) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
