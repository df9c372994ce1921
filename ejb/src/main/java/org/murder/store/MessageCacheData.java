package org.murder.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.murder.protocol.imap.message.MessageStructure;
import org.murder.protocol.imap.sort.SortFields;

/**
 * The parsed facts about a message the store keeps beside it (see StoreMessageCache). {@code sortFields} is
 * {@link SortFields#serialize()}'s text, empty when not known (facts stored before SORT existed).
 */
public record MessageCacheData(String envelope, String bodyStructure, String body, String structure,
                               String messageIdHeader, String sortFields) {

    /** Parses a message file: at delivery, and again whenever the stored facts are missing. */
    public static MessageCacheData parse(Path file) throws IOException {
        MessageStructure s;
        try (InputStream in = Files.newInputStream(file)) {
            s = MessageStructure.parse(in);
        }
        return of(s, file);
    }

    /** The facts of a message whose structure was parsed already (reconstruct hashes the file as it parses). */
    public static MessageCacheData of(MessageStructure s, Path file) throws IOException {
        return new MessageCacheData(s.envelope(), s.bodyStructure(), s.body(), s.serialize(),
                HeaderScan.first(file, "Message-ID").orElse(""), sortFields(file).serialize());
    }

    /**
     * The date SORT (DATE) orders by, epoch seconds: the sent date, or {@code internalDate} when the message has none
     * (RFC 5256 §2.2); empty when the sort fields are not known. Kept on the message's index row, as Cyrus keeps it in
     * cyrus.index, so that DATE never reads the header keys.
     */
    public java.util.OptionalLong sentDate(java.time.Instant internalDate) {
        if (sortFields.isEmpty()) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(SortFields.deserialize(sortFields).sentDateOr(internalDate.getEpochSecond()));
        } catch (IllegalArgumentException damaged) {
            return java.util.OptionalLong.empty();
        }
    }

    /** What SORT and THREAD need of a message, read from its header (the file is read no further). */
    public static SortFields sortFields(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 8192)) {
            return SortFields.parse(in);
        }
    }
}
