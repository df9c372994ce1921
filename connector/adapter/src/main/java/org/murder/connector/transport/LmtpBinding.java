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

    record Line(String text) {
    }

    record TooLong() {
    }

    record Chunk(byte[] bytes) {
    }

    record End(long size, boolean tooLarge) {
    }

    @Override
    public String name() {
        return "lmtp";
    }

    @Override
    public Class<? extends ProtocolListener> listenerType() {
        return LmtpListener.class;
    }

    /** Sent by {@link #dispatch} once the endpoint has answered a DATA command, whatever it answered. */
    static final String DATA_ANSWERED = "lmtp.data-answered";

    /** More than a client can mean to send before a 354: past it, held input is read as commands again. */
    static final int MAX_HELD = 1 << 20;

    private static boolean isData(String line) {
        return line.trim().equalsIgnoreCase("DATA");
    }

    @Override
    public InputDecoder newDecoder(TransportSettings settings) {
        return new HoldingDecoder(new LmtpDecoder(settings.maxLineLength(), settings.maxMessageSize()));
    }

    /**
     * Reads LMTP, and holds what follows a {@code DATA} line until the endpoint has answered it: after a 354 it is
     * the message, after a refusal (503, 451) commands — as a server reading synchronously, like Cyrus's lmtpd,
     * treats a client that pipelines its message without waiting for the 354 (RFC 2920 says it must wait).
     */
    static final class HoldingDecoder implements InputDecoder {
        private final LmtpDecoder lmtp;
        private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        private boolean holding;
        private Sink sink;

        HoldingDecoder(LmtpDecoder lmtp) {
            this.lmtp = lmtp;
        }

        @Override
        public void decode(ByteBuffer in, Sink sink) {
            this.sink = sink;
            if (holding) {
                hold(in);
                return;
            }
            lmtp.decode(in, new LmtpSink() {
                @Override
                public void commandLine(String line) {
                    sink.item(new Line(line));
                    if (isData(line)) {
                        holding = true;
                        lmtp.pause();
                    }
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
            if (holding) {
                hold(in);
            }
        }

        private void hold(ByteBuffer in) {
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            held.writeBytes(rest);
            if (held.size() > MAX_HELD) {
                release(); // not a client waiting for its 354: read on as before
            }
        }

        /** Reads what was held, as whatever the decoder now expects. */
        private void release() {
            holding = false;
            if (held.size() > 0) {
                ByteBuffer again = ByteBuffer.wrap(held.toByteArray());
                held.reset();
                decode(again, sink);
            }
        }

        @Override
        public void signal(Object signal) {
            if (LmtpListener.START_DATA.equals(signal)) {
                lmtp.startData();
                release();
            } else if (DATA_ANSWERED.equals(signal)) {
                if (holding) {
                    release();
                }
            } else {
                InputDecoder.super.signal(signal);
            }
        }
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
            try {
                LmtpParseResult r = LmtpCommandParser.parse(l.text());
                if (r instanceof LmtpParseResult.Parsed p) {
                    lmtp.onCommand(connection, p.command());
                } else {
                    lmtp.onMalformed(connection, (LmtpParseResult.Malformed) r);
                }
            } finally {
                if (isData(l.text())) {
                    connection.signalDecoder(DATA_ANSWERED); // what the decoder held is now a message or commands
                }
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
