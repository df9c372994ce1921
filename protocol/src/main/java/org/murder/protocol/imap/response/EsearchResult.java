package org.murder.protocol.imap.response;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.command.PartialRange;

/**
 * The data of an ESEARCH response (RFC 4731, RFC 9051 §7.3.4; MODSEQ from RFC 7162; PARTIAL, ADDTO and REMOVEFROM from
 * RFC 5267 §4): each part present only when the client asked for it. {@code all} is absent, not empty, when nothing
 * matched; a PARTIAL whose range holds no message is NIL.
 */
public record EsearchResult(Optional<String> tag, boolean uid, OptionalLong min, OptionalLong max, OptionalLong count,
                            Optional<SequenceSet> all, OptionalLong modseq, Optional<Partial> partial,
                            List<Update> updates) {

    /** {@code PARTIAL (range set|NIL)}: the messages at the range's positions of the result, in its order. */
    public record Partial(PartialRange range, Optional<SequenceSet> messages) {
        public Partial {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(messages, "messages");
        }
    }

    /**
     * {@code ADDTO (position set)} or {@code REMOVEFROM (position set)} (RFC 5267 §4.3): messages that joined or left a
     * live result; {@code position} is where the first of them is (or was) in the result, from 1, and the rest follow it
     * there in the set's order.
     */
    public record Update(boolean add, long position, SequenceSet messages) {
        public Update {
            Objects.requireNonNull(messages, "messages");
            if (position < 0) {
                throw new IllegalArgumentException("negative position");
            }
        }
    }

    public EsearchResult {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(all, "all");
        Objects.requireNonNull(modseq, "modseq");
        Objects.requireNonNull(partial, "partial");
        updates = List.copyOf(updates);
    }

    public EsearchResult(Optional<String> tag, boolean uid, OptionalLong min, OptionalLong max, OptionalLong count,
                         Optional<SequenceSet> all, OptionalLong modseq) {
        this(tag, uid, min, max, count, all, modseq, Optional.empty(), List.of());
    }

    /** An update of a live result: the tag of the command that asked for it, and what changed. */
    public static EsearchResult update(String tag, boolean uid, List<Update> updates) {
        return new EsearchResult(Optional.of(tag), uid, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                Optional.empty(), OptionalLong.empty(), Optional.empty(), updates);
    }
}
