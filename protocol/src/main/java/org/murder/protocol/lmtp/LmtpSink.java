package org.murder.protocol.lmtp;

/**
 * Receives what an {@link LmtpDecoder} makes of the input. Called on the decoding thread, in input order. No
 * method may throw: a sink that cannot store a message chunk (disk full) remembers that, ignores the rest and
 * answers {@code 451} per recipient when the message ends, so that the session stays in step with the client.
 */
public interface LmtpSink {

    /**
     * One command line without its line terminator, each octet as one ISO-8859-1 character (so that 8-bit input
     * stays visible to {@link LmtpCommandParser}). To read a message after this line (DATA accepted, {@code 354}
     * sent), call {@link LmtpDecoder#startData()} before returning.
     */
    void commandLine(String line);

    /**
     * A command line went past the bound; it has been skipped up to and including its line end. Answer
     * {@link LmtpReplies#lineTooLong()}.
     */
    void lineTooLong();

    /**
     * The next part of the message in DATA: dot-unstuffed, line ends as CRLF. The array is the decoder's own
     * buffer, valid only during the call: write it out or copy it.
     */
    void messageChunk(byte[] bytes, int offset, int length);

    /** The message ended ({@code CRLF.CRLF}) within the size bound; {@code size} octets were given as chunks. */
    void messageEnd(long size);

    /**
     * The message ended but was larger than the bound: the chunks given so far are a prefix only and are to be
     * thrown away; answer {@link LmtpReplies#messageTooLarge}. The decoder is back in command mode, in step.
     *
     * @param size the whole message's size, of which only the part within the bound was given as chunks
     */
    void messageTooLarge(long size);
}
