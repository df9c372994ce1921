package org.murder.connector.transport;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.murder.connector.api.Connection;
import org.murder.connector.api.LmtpListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.lmtp.LmtpCommandParser;
import org.murder.protocol.lmtp.LmtpDecoder;
import org.murder.protocol.lmtp.LmtpParseResult;
import org.murder.protocol.lmtp.LmtpReplies;
import org.murder.protocol.lmtp.LmtpSink;

/** LMTP (RFC 2033) on the transport: command lines, and DATA streamed in chunks. */
public final class LmtpBinding implements ProtocolBinding {

    private record Line(String text) {
    }

    private record TooLong() {
    }

    private record Chunk(byte[] bytes) {
    }

    private record End(long size, boolean tooLarge) {
    }

    @Override
    public String name() {
        return "lmtp";
    }

    @Override
    public Class<? extends ProtocolListener> listenerType() {
        return LmtpListener.class;
    }

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        LmtpDecoder lmtp = new LmtpDecoder(settings.maxLineLength(), settings.maxMessageSize());
        return new InputDecoder() {
            @Override
            public void decode(ByteBuffer in, Sink sink) {
                lmtp.decode(in, new LmtpSink() {
                    @Override
                    public void commandLine(String line) {
                        sink.item(new Line(line));
                    }

                    @Override
                    public void lineTooLong() {
                        sink.item(new TooLong());
                    }

                    @Override
                    public void messageChunk(byte[] bytes, int offset, int length) {
                        sink.item(new Chunk(Arrays.copyOfRange(bytes, offset, offset + length)));
                    }

                    @Override
                    public void messageEnd(long size) {
                        sink.item(new End(size, false));
                    }

                    @Override
                    public void messageTooLarge(long size) {
                        sink.item(new End(size, true));
                    }
                });
            }

            @Override
            public void signal(Object signal) {
                if (!LmtpListener.START_DATA.equals(signal)) {
                    InputDecoder.super.signal(signal);
                }
                lmtp.startData();
            }
        };
    }

    @Override
    public String continuationLine(Object item) {
        return item instanceof Line l ? l.text() : null;
    }

    @Override
    public byte[] tooManyConnections() {
        return LmtpReplies.reply(421, "4.3.2", "Too many connections");
    }

    @Override
    public byte[] unavailable() {
        return LmtpReplies.reply(421, "4.3.2", "Service not available, closing transmission channel");
    }

    @Override
    public void dispatch(ProtocolListener endpoint, Connection connection, Object item) {
        LmtpListener lmtp = (LmtpListener) endpoint;
        if (item instanceof Line l) {
            LmtpParseResult r = LmtpCommandParser.parse(l.text());
            if (r instanceof LmtpParseResult.Parsed p) {
                lmtp.onCommand(connection, p.command());
            } else {
                lmtp.onMalformed(connection, (LmtpParseResult.Malformed) r);
            }
        } else if (item instanceof TooLong) {
            lmtp.onBadInput(connection, "", "line too long");
        } else if (item instanceof Chunk c) {
            lmtp.onDataChunk(connection, c.bytes());
        } else if (item instanceof End e) {
            lmtp.onDataEnd(connection, e.size(), e.tooLarge());
        }
    }
}
