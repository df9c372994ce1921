package org.murder.protocol.imap.client;

/**
 * Bounds for {@link ImapResponseReader}: what one backend response may cost a frontend. A relay that streams
 * literals can allow large ones (a 50 MB {@code BODY[]}) while keeping lines short; a collector's memory is
 * bounded by {@code maxResponseSize}.
 *
 * @param maxLineLength   longest line, CRLF excluded (a literal's payload is not part of any line)
 * @param maxLiteralSize  largest single literal
 * @param maxLiterals     most literals in one response
 * @param maxResponseSize most bytes in one response, lines, CRLFs and literals together
 */
public record ImapResponseLimits(int maxLineLength, long maxLiteralSize, int maxLiterals, long maxResponseSize) {

    public ImapResponseLimits {
        if (maxLineLength < 1 || maxLiteralSize < 0 || maxLiterals < 0 || maxResponseSize < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
    }
}
