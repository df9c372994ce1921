package org.murder.connector.transport;

import java.nio.ByteBuffer;
import org.murder.connector.api.Connection;
import org.murder.connector.api.Pop3Listener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.pop3.Pop3CommandParser;
import org.murder.protocol.pop3.Pop3LineDecoder;
import org.murder.protocol.pop3.Pop3ParseResult;
import org.murder.protocol.pop3.Pop3Responses;

/**
 * POP3 on the transport: lines. The decoder's bound ({@code maxLineLength}) is that of a SASL response; a command line
 * over RFC 2449's 255 octets is refused by the parser, and one over the bound is skipped — either way the client hears
 * {@code -ERR} and the session goes on.
 */
public final class Pop3Binding implements ProtocolBinding {

    record Line(String text) {
    }

    record TooLong() {
    }

    @Override
    public String name() {
        return "pop3";
    }

    @Override
    public Class<? extends ProtocolListener> listenerType() {
        return Pop3Listener.class;
    }

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        Pop3LineDecoder lines = new Pop3LineDecoder(settings.maxLineLength());
        return new InputDecoder() {
            @Override
            public void decode(ByteBuffer in, Sink sink) {
                lines.decode(in, new Pop3LineDecoder.Sink() {
                    @Override
                    public void line(String line) {
                        sink.item(new Line(line));
                    }

                    @Override
                    public void lineTooLong() {
                        sink.item(new TooLong());
                    }
                });
            }

            @Override
            public void close() {
                lines.reset();
            }
        };
    }

    @Override
    public String continuationLine(Object item) {
        return item instanceof Line l ? l.text() : null;
    }

    @Override
    public byte[] tooManyConnections() {
        return Pop3Responses.err("SYS/TEMP", "Too many connections");
    }

    @Override
    public byte[] unavailable() {
        return Pop3Responses.err("SYS/TEMP", "Service not available");
    }

    @Override
    public void dispatch(ProtocolListener endpoint, Connection connection, Object item) {
        Pop3Listener pop3 = (Pop3Listener) endpoint;
        if (item instanceof Line l) {
            Pop3ParseResult r = Pop3CommandParser.parse(l.text());
            if (r instanceof Pop3ParseResult.Parsed p) {
                pop3.onCommand(connection, p.command());
            } else {
                pop3.onMalformed(connection, ((Pop3ParseResult.Malformed) r).reason());
            }
        } else if (item instanceof TooLong) {
            pop3.onBadInput(connection, "", "Line too long");
        }
    }
}
