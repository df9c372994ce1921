package org.murder.protocol.imap.search;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What {@link SearchEvaluator} needs to know of one message. Header and body text are asked for only when a
 * key needs them, at most once per evaluation, so an implementation may load them lazily.
 */
public interface SearchableMessage {

    long uid();

    /** The message sequence number in the session. */
    long sequenceNumber();

    /** System flags and keywords set on the message ({@code \Recent} aside); compared case-insensitively. */
    java.util.Collection<String> flags();

    /** Whether this session sees the message as recent. */
    boolean recent();

    /** INTERNALDATE, in the zone it was given in (APPEND's date-time or the delivery's local zone). */
    ZonedDateTime internalDate();

    /** RFC822.SIZE. */
    long size();

    /** The message's mod-sequence (RFC 7162). */
    long modSeq();

    /**
     * The values of every header field named {@code name} (case-insensitive), unfolded, as written (8-bit text read
     * as UTF-8): RFC 2047 encoded words are left in, the evaluator decodes them (an address field is parsed first);
     * empty when the message has no such field.
     */
    List<String> header(String name);

    /** The Date: header's date-time in its own zone; empty when absent or unparsable. */
    Optional<ZonedDateTime> sentDate();

    /** All header fields as text with their encoded words decoded, for TEXT. */
    String headerText();

    /** The decoded text of the body's text parts, for BODY and TEXT. */
    String bodyText();
}
