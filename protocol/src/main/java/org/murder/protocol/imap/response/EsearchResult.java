package org.murder.protocol.imap.response;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.murder.protocol.imap.SequenceSet;

/**
 * The data of an ESEARCH response (RFC 4731, RFC 9051 §7.3.4; MODSEQ from RFC 7162): each part present only when the
 * client asked for it. {@code all} is absent, not empty, when nothing matched.
 */
public record EsearchResult(Optional<String> tag, boolean uid, OptionalLong min, OptionalLong max, OptionalLong count,
                            Optional<SequenceSet> all, OptionalLong modseq) {

    public EsearchResult {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(all, "all");
        Objects.requireNonNull(modseq, "modseq");
    }
}
