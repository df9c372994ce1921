package org.murder.protocol.imap.command;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.murder.protocol.wire.SpilledLiteral;

/** One message of an APPEND (RFC 3502 allows several in one command): its flags, its date, what it is made of. */
public record AppendMessage(List<String> flags, Optional<ZonedDateTime> internalDate, AppendData data) {

    public AppendMessage {
        flags = List.copyOf(flags);
        Objects.requireNonNull(internalDate, "internalDate");
        Objects.requireNonNull(data, "data");
    }

    /** The literals the client sent for this message: the message itself, or CATENATE's TEXT parts. */
    public Stream<MessageLiteral> literals() {
        if (data instanceof MessageLiteral m) {
            return Stream.of(m);
        }
        return ((Catenate) data).parts().stream().filter(p -> p instanceof Catenate.Text)
                .map(p -> ((Catenate.Text) p).text());
    }

    /** The literals of this message that are in files. */
    public Stream<SpilledLiteral> files() {
        return literals().flatMap(l -> l.file().stream());
    }
}
