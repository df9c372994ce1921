package org.murder.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What delivery left on a partition, read straight from the files ({@code <partition>/<mailbox id>/<uid>.}):
 * there is no IMAP server yet to ask. Test messages carry a unique Subject; a stored copy is the message
 * exactly as sent, after the {@code Return-Path} and {@code Received} lines the server puts in front.
 */
public final class SpoolFiles {

    /** {@code Return-Path: <...>} then {@code Received:} with its folded lines: all the server may add. */
    private static final Pattern TRACE = Pattern.compile(
            "Return-Path: <[^>\r\n]*>\r\nReceived: [^\r\n]*\r\n(?:\t[^\r\n]*\r\n)+");
    private static final Pattern MESSAGE_FILE = Pattern.compile("[0-9]+\\.");
    private static final int HEAD = 16 * 1024;

    private SpoolFiles() {
    }

    /** A test message with CRLF line ends; the body lines are taken as they are. */
    public static byte[] message(String subject, String messageId, String... bodyLines) {
        StringBuilder sb = new StringBuilder()
                .append("From: Sender <sender@example.org>\r\n")
                .append("To: alice@example.org\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Message-ID: <").append(messageId).append(">\r\n")
                .append("Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n")
                .append("\r\n");
        for (String l : bodyLines) {
            sb.append(l).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Every message file (not the partition's {@code tmp/}) under the partition. */
    public static List<Path> all(Path partition) {
        if (!Files.isDirectory(partition)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(partition, 2)) {
            return s.filter(p -> p.getNameCount() == partition.getNameCount() + 2)
                    .filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .filter(p -> MESSAGE_FILE.matcher(p.getFileName().toString()).matches())
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message files whose header says {@code Subject: <subject>}. */
    public static List<Path> withSubject(Path partition, String subject) {
        List<Path> out = new ArrayList<>();
        for (Path p : all(partition)) {
            if (subject.equals(subjectOf(p))) {
                out.add(p);
            }
        }
        return out;
    }

    /** Subject → files, for the whole partition at once. */
    public static Map<String, List<Path>> bySubject(Path partition) {
        Map<String, List<Path>> out = new HashMap<>();
        for (Path p : all(partition)) {
            String s = subjectOf(p);
            if (s != null) {
                out.computeIfAbsent(s, k -> new ArrayList<>()).add(p);
            }
        }
        return out;
    }

    /** The first Subject header of a stored message (read from its head only), or null. */
    public static String subjectOf(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD);
        } catch (IOException e) {
            return null; // removed meanwhile
        }
        String h = new String(head, StandardCharsets.ISO_8859_1);
        int end = h.indexOf("\r\n\r\n");
        String header = end < 0 ? h : h.substring(0, end + 2);
        int i = header.startsWith("Subject: ") ? 0 : header.indexOf("\r\nSubject: ");
        if (i < 0) {
            return null;
        }
        int from = header.indexOf("Subject: ", i) + "Subject: ".length();
        int to = header.indexOf("\r\n", from);
        return to < 0 ? null : header.substring(from, to);
    }

    /** The mailbox (its id, the directory's name) a message file belongs to. */
    public static String mailboxOf(Path file) {
        return file.getParent().getFileName().toString();
    }

    /**
     * Null when the file is exactly trace lines plus {@code original}, else what is wrong with it (for an
     * assertion message).
     */
    public static String mismatch(Path file, byte[] original) {
        byte[] stored;
        try {
            stored = Files.readAllBytes(file);
        } catch (IOException e) {
            return file + " cannot be read: " + e;
        }
        if (stored.length < original.length) {
            return file + " has " + stored.length + " octets, fewer than the " + original.length + " sent";
        }
        int offset = stored.length - original.length;
        if (!Arrays.equals(stored, offset, stored.length, original, 0, original.length)) {
            return file + " does not end with the message as sent (" + stored.length + " octets stored, "
                    + original.length + " sent); first difference at stored octet "
                    + (offset + Arrays.mismatch(Arrays.copyOfRange(stored, offset, stored.length), original));
        }
        String trace = new String(stored, 0, offset, StandardCharsets.ISO_8859_1);
        if (!TRACE.matcher(trace).matches()) {
            return file + " has more than trace lines before the message: " + trace;
        }
        return null;
    }

    /** The lines the server put in front of the message. */
    public static String trace(Path file, int originalLength) throws IOException {
        byte[] stored = Files.readAllBytes(file);
        return new String(stored, 0, stored.length - originalLength, StandardCharsets.ISO_8859_1);
    }
}
