package org.murder.protocol.imap.command;

import java.util.Objects;
import java.util.Optional;

import org.murder.protocol.imap.SequenceSet;

/**
 * SELECT's {@code QRESYNC (uidvalidity modseq [known-uids] [(known-sequence-set known-uid-set)])} (RFC 7162 §3.2.5):
 * what the client last knew of the mailbox, for the server to tell it only what changed since.
 *
 * @param knownUids UIDs the client knows; absent means every UID up to UIDNEXT − 1
 * @param seqMatch  message numbers and the UIDs the client had for them, for narrowing when history is short
 */
public record QresyncParameters(long uidValidity, long modSeq, Optional<SequenceSet> knownUids,
                                Optional<SeqMatch> seqMatch) {

    /** {@code (known-sequence-set known-uid-set)}: the i-th number was the i-th UID. */
    public record SeqMatch(SequenceSet msns, SequenceSet uids) {
        public SeqMatch {
            Objects.requireNonNull(msns, "msns");
            Objects.requireNonNull(uids, "uids");
        }
    }

    public QresyncParameters {
        Objects.requireNonNull(knownUids, "knownUids");
        Objects.requireNonNull(seqMatch, "seqMatch");
    }
}
