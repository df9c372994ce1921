package org.murder.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.murder.protocol.imap.message.MessageStructure;

/** The parsed facts about a message the store keeps beside it (see StoreMessageCache). */
public record MessageCacheData(String envelope, String bodyStructure, String body, String structure,
                               String messageIdHeader) {

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
                HeaderScan.first(file, "Message-ID").orElse(""));
    }
}
