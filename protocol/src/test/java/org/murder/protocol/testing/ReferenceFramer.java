package org.murder.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The frames a line-and-literal stream holds by the grammar alone, written for clarity, not speed: the oracle the
 * fuzzers hold {@link org.murder.protocol.wire.FrameDecoder} to. A line ends at LF (a CR before it belongs to the
 * terminator); a line ending in {@code {n}} or {@code {n+}} ({@code n} any run of digits, leading zeros and all)
 * continues after the LF and {@code n} literal bytes; a frame keeps its inner terminators as received and loses its
 * last one. Lines and literals are bounded (not whole frames): a command with a longer line or a larger literal is
 * dropped, and a non-synchronizing literal it announces is skipped (a synchronizing one is never sent without a
 * go-ahead), up to the end of the command.
 */
public final class ReferenceFramer {

    private static final Pattern MARKER = Pattern.compile("\\{([0-9]+)(\\+?)\\}\\z"); // \z, not $: $ matches before a last CR too

    private ReferenceFramer() {
    }

    /** The complete frames of {@code input}, each as ISO-8859-1 text. */
    public static List<String> frames(byte[] input, int maxLineLength, long maxLiteralSize) {
        List<String> frames = new ArrayList<>();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lf = indexOf(input, (byte) '\n', pos);
            if (lf < 0) {
                return frames; // an unfinished line
            }
            int end = lf > pos && input[lf - 1] == '\r' ? lf - 1 : lf;
            Matcher m = MARKER.matcher(new String(input, pos, end - pos, StandardCharsets.ISO_8859_1));
            if (end - pos > maxLineLength) {
                // the command is refused; what its line announces at its end is skipped all the same
                frame.reset();
                pos = m.find() && !m.group(2).isEmpty() ? skipLiteralAndRest(input, lf, m) : lf + 1;
                if (pos < 0) {
                    return frames;
                }
                continue;
            }
            if (!m.find()) {
                frame.write(input, pos, end - pos);
                frames.add(frame.toString(StandardCharsets.ISO_8859_1));
                frame.reset();
                pos = lf + 1;
                continue;
            }
            BigInteger size = new BigInteger(m.group(1));
            boolean synchronizing = m.group(2).isEmpty();
            if (size.compareTo(BigInteger.valueOf(maxLiteralSize)) > 0) {
                frame.reset();
                if (synchronizing) {
                    pos = lf + 1;
                    continue;
                }
                pos = skipLiteralAndRest(input, lf, m);
                if (pos < 0) {
                    return frames;
                }
                continue;
            }
            if (size.compareTo(BigInteger.valueOf(input.length - (lf + 1))) > 0) {
                return frames; // an unfinished literal
            }
            int literalEnd = lf + 1 + size.intValueExact();
            frame.write(input, pos, literalEnd - pos);
            pos = literalEnd;
        }
    }

    /**
     * A refused command's non-synchronizing literal (announced by {@code marker} on the line ending at {@code lf})
     * and the rest of the command: where the next command starts, or -1 at the end of input.
     */
    private static int skipLiteralAndRest(byte[] input, int lf, Matcher marker) {
        BigInteger size = new BigInteger(marker.group(1));
        if (size.compareTo(BigInteger.valueOf(input.length - (lf + 1))) > 0) {
            return -1; // still skipping at the end of input
        }
        // the rest of the refused command is skipped too, up to a line that announces no literal
        return skipRestOfCommand(input, lf + 1 + size.intValueExact());
    }

    /** From inside a refused command: past the end of its last line (skipping further literals), or -1 at the end. */
    private static int skipRestOfCommand(byte[] input, int pos) {
        while (true) {
            int lf = indexOf(input, (byte) '\n', pos);
            if (lf < 0) {
                return -1;
            }
            int end = lf > pos && input[lf - 1] == '\r' ? lf - 1 : lf;
            Matcher m = MARKER.matcher(new String(input, pos, end - pos, StandardCharsets.ISO_8859_1));
            if (!m.find() || m.group(2).isEmpty()) {
                return lf + 1;
            }
            BigInteger size = new BigInteger(m.group(1));
            if (size.compareTo(BigInteger.valueOf(input.length - (lf + 1))) > 0) {
                return -1;
            }
            pos = lf + 1 + size.intValueExact();
        }
    }

    private static int indexOf(byte[] b, byte value, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
