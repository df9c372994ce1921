package org.murder.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;

/**
 * COPY or MOVE to a mailbox on another backend than the source's, which no backend can do alone: each message is
 * read whole from the {@link CopySource} (the mailbox selected on another backend, or this node's store; one at a
 * time, so memory holds one message) and APPENDed to the destination with its flags and internal date; a MOVE then
 * expunges the originals. COPYUID is given only when every APPEND answered APPENDUID under one UIDVALIDITY — honest or
 * absent, never invented. Event-driven: each step is the previous answer's continuation; the client's next command
 * waits ({@link Connection#holdInput()}).
 */
public final class CrossBackendCopy {

    private static final Logger LOG = Logger.getLogger(CrossBackendCopy.class.getName());

    private final Connection client;
    private final String tag;
    private final boolean move;
    private final CopySource source;
    private final BackendConnection destination;
    private final String destinationMailbox;

    private List<Long> uids = List.of();
    private int next;
    private final List<Long> copiedFrom = new ArrayList<>();
    private final List<Long> copiedTo = new ArrayList<>();
    private OptionalLong uidValidity = OptionalLong.empty();
    private boolean honestUids = true;

    public CrossBackendCopy(Connection client, String tag, boolean move, CopySource source,
                            BackendConnection destination, String destinationMailbox) {
        this.client = client;
        this.tag = tag;
        this.move = move;
        this.source = source;
        this.destination = destination;
        this.destinationMailbox = destinationMailbox;
    }

    public void start() {
        client.holdInput();
        source.uids((found, failure) -> {
            if (failure != null) {
                finish(failure);
                return;
            }
            uids = found;
            copyNext();
        });
    }

    private void copyNext() {
        if (next >= uids.size()) {
            copied();
            return;
        }
        long u = uids.get(next++);
        source.message(u, (m, failure) -> {
            if (failure != null) {
                finish(failure);
            } else if (m.isEmpty()) {
                copyNext(); // expunged meanwhile: nothing to copy
            } else {
                append(m.get());
            }
        });
    }

    private void append(CopySource.Message m) {
        byte[] body = m.body();
        List<String> flags = m.flags().stream().filter(f -> !f.equalsIgnoreCase("\\Recent")).toList();
        destination.send(new ImapCommand.Append("A", destinationMailbox, flags, m.internalDate(),
                        MessageLiteral.of(body, false)),
                new CollectingReply(16, (responses, tagged) -> {
                    if (!BackendCopySource.ok(tagged)) {
                        finish(new CopySource.Failure(tagged, "the destination refused a message"));
                        return;
                    }
                    copiedFrom.add(m.uid());
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
        if (!copyUid.isEmpty()) {
            client.write(("* OK [" + copyUid + "] Moved\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        source.removeOriginals(List.copyOf(copiedFrom), failure -> {
            if (failure != null) {
                finish(failure);
            } else {
                done("");
            }
        });
    }

    private String copyUid() {
        if (!honestUids || uidValidity.isEmpty() || copiedTo.size() != copiedFrom.size() || copiedFrom.isEmpty()) {
            return "";
        }
        return "COPYUID " + uidValidity.getAsLong() + " " + list(copiedFrom) + " " + list(copiedTo);
    }

    /** UIDs in the source's order (RFC 4315: the two sets correspond one to one, so no ranges). */
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

    /**
     * Ends with the backend's refusal (its code kept: TRYCREATE, OVERQUOTA...), or UNAVAILABLE when it is gone — after
     * taking back what was already appended (RFC 3501 6.4.7: a failed COPY leaves the destination as it was).
     */
    private void finish(CopySource.Failure failure) {
        if (!copiedFrom.isEmpty()) {
            LOG.info(() -> "MURDER-PROXY-007 " + (move ? "MOVE" : "COPY") + " to " + destinationMailbox + " stopped after "
                    + copiedFrom.size() + " of " + uids.size() + " messages: " + failure.why());
        }
        if (!copiedTo.isEmpty() && honestUids && destination.usable()) {
            List<Long> appended = List.copyOf(copiedTo);
            copiedTo.clear();
            rollBack(appended, () -> finish(failure));
            return;
        }
        if (failure.refusal().isPresent()) {
            client.write(failure.refusal().get().retag(tag));
        } else {
            client.write((tag + " NO [UNAVAILABLE] " + failure.why() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        client.releaseInput();
    }

    /**
     * Expunges the messages appended so far from the destination, in the session's connection to its backend (which
     * has nothing selected: the session's selected mailbox is the source), then leaves it unselected again.
     */
    private void rollBack(List<Long> appended, Runnable then) {
        org.murder.protocol.imap.SequenceSet set = org.murder.protocol.imap.SequenceSet.of(
                appended.stream().mapToLong(Long::longValue).toArray());
        java.util.function.Function<Runnable, BackendReply> after = next -> new CollectingReply(0, (ignored, tagged) -> next.run());
        destination.send(new ImapCommand.Select("R", destinationMailbox, false), after.apply(() ->
                destination.send(new ImapCommand.Store("R", true, set, org.murder.protocol.imap.command.StoreMode.ADD, true,
                        List.of("\\Deleted"), OptionalLong.empty()), after.apply(() ->
                        destination.send(new ImapCommand.UidExpunge("R", set), after.apply(() ->
                                destination.send(new ImapCommand.Unselect("R"), after.apply(then))))))));
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
