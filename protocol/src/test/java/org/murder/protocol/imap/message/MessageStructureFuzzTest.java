package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.FetchItem.Specifier;
import org.murder.protocol.imap.response.ImapWriter;

/**
 * Deterministic fuzzing (fixed seeds, bounded): random MIME trees and mutated corpus messages must parse without an
 * exception, with offsets in bounds and consistent ({@link StructureInvariants}), the same result however the input
 * is chunked, well-formed wire text, and an exact serialization round trip.
 */
class MessageStructureFuzzTest {

    private static final int ITERATIONS = 2_500;

    private static final String[] TOKENS = {
        "\r\n", "\n", "\r", "--", "--b", "--b--", "--b \r\n", "--outer", "--inner--", "--=_alt_boundary", ":", " ", "\t",
        "Content-Type: multipart/mixed; boundary=b\r\n", "Content-Type: message/rfc822\r\n",
        "Content-Type: multipart/digest; boundary=\"d\"\r\n", "--d\r\n\r\n", "\r\n\r\n", "\n\n", "boundary=", "\"",
        "=?utf-8?q?x?=", "<", ">", "@", ",", ";", "(", ")", "\\", "\0", "ü", "\u00ff", "Subject: x\r\n", "From: a@b\r\n",
        "To: g: a@b, <@r:c@d>;\r\n", "Content-Transfer-Encoding: base64\r\n", "filename*0*=", "{5}\r\n", "*",
    };

    private static byte[] mutate(byte[] message, Random random) {
        byte[] b = message.clone();
        int edits = 1 + random.nextInt(6);
        for (int e = 0; e < edits; e++) {
            int at = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (at < b.length) {
                        b[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = Arrays.copyOf(b, at);
                case 2, 3 -> {
                    byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] c = new byte[b.length + token.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(token, 0, c, at, token.length);
                    System.arraycopy(b, at, c, at + token.length, b.length - at);
                    b = c;
                }
                default -> {
                    if (b.length > 0) { // duplicate a slice
                        int from = random.nextInt(b.length);
                        int len = Math.min(b.length - from, 1 + random.nextInt(64));
                        byte[] c = new byte[b.length + len];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, from, c, at, len);
                        System.arraycopy(b, at, c, at + len, b.length - at);
                        b = c;
                    }
                }
            }
        }
        return b;
    }

    /** A random MIME tree with random line ends, delimiters with padding, missing close delimiters. */
    static byte[] generate(Random random) {
        StringBuilder out = new StringBuilder();
        String eol = switch (random.nextInt(3)) {
            case 0 -> "\r\n";
            case 1 -> "\n";
            default -> null; // mixed
        };
        entity(out, random, 0, eol, new ArrayList<>());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String eol(Random random, String eol) {
        return eol != null ? eol : random.nextBoolean() ? "\r\n" : "\n";
    }

    private static void entity(StringBuilder out, Random random, int depth, String eol, List<String> boundaries) {
        int kind = depth > 4 ? 0 : random.nextInt(4);
        if (random.nextInt(4) > 0) {
            out.append("Subject: part ").append(depth).append(eol(random, eol));
        }
        if (kind == 1 || kind == 2) {
            String boundary = "b" + depth + (random.nextBoolean() ? "" : "=_x" + random.nextInt(10));
            out.append("Content-Type: multipart/").append(random.nextBoolean() ? "mixed" : "alternative")
                    .append("; boundary=\"").append(boundary).append('"').append(eol(random, eol)).append(eol(random, eol));
            if (random.nextBoolean()) {
                out.append("preamble").append(eol(random, eol));
            }
            List<String> inner = new ArrayList<>(boundaries);
            inner.add(boundary);
            int parts = random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                out.append("--").append(boundary).append(random.nextInt(5) == 0 ? "  \t" : "").append(eol(random, eol));
                entity(out, random, depth + 1, eol, inner);
                out.append(eol(random, eol));
            }
            if (random.nextInt(5) > 0) {
                out.append("--").append(boundary).append("--").append(eol(random, eol));
                if (random.nextBoolean()) {
                    out.append("epilogue").append(eol(random, eol));
                }
            }
        } else if (kind == 3) {
            out.append("Content-Type: message/rfc822").append(eol(random, eol)).append(eol(random, eol));
            out.append("From: \"Inner ").append(depth).append("\" <i@example.org>").append(eol(random, eol));
            entity(out, random, depth + 1, eol, boundaries);
        } else {
            out.append("Content-Type: text/plain; charset=utf-8").append(eol(random, eol)).append(eol(random, eol));
            int lines = random.nextInt(4);
            for (int i = 0; i < lines; i++) {
                out.append("line ").append(i).append(random.nextInt(10) == 0 ? " ü" : "").append(eol(random, eol));
            }
            if (random.nextBoolean()) {
                out.append("no final newline");
            }
        }
    }

    /** Gives the parser at most a few bytes per read. */
    static final class ChunkedInputStream extends FilterInputStream {
        private final Random random;

        ChunkedInputStream(InputStream in, Random random) {
            super(in);
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(13)));
        }
    }

    static void check(byte[] raw, Random random) throws IOException {
        MessageStructure m = MessageStructure.parse(new ByteArrayInputStream(raw));
        StructureInvariants.check(m, raw);
        assertEquals(m, MessageStructure.parse(new ChunkedInputStream(new ByteArrayInputStream(raw), random)),
                "chunking must not matter");
        assertEquals(m, MessageStructure.deserialize(m.serialize()));
        new ImapWriter().wire(m.envelope()).wire(m.bodyStructure()).wire(m.body()); // well-formed, no stray line breaks
        for (List<Integer> path : paths(m.root(), new ArrayList<>(), true)) {
            for (Optional<Specifier> s : List.of(Optional.<Specifier>empty(), Optional.of(Specifier.MIME),
                    Optional.of(Specifier.HEADER), Optional.of(Specifier.TEXT))) {
                m.section(path, s).ifPresent(r -> assertTrue(r.end() <= m.size(), "section in bounds"));
            }
        }
    }

    /** Part paths to try: each real one and one past the end at each level. */
    private static List<List<Integer>> paths(MessagePart part, List<Integer> prefix, boolean top) {
        List<List<Integer>> out = new ArrayList<>();
        out.add(List.copyOf(prefix));
        MessagePart container = top ? part : part.isMultipart() ? part : part.message().orElse(null);
        if (container == null || prefix.size() > 8) {
            return out;
        }
        int n = container.isMultipart() ? container.children().size() : 1;
        for (int i = 1; i <= n + 1; i++) {
            List<Integer> next = new ArrayList<>(prefix);
            next.add(i);
            if (i <= n) {
                MessagePart child = container.isMultipart() ? container.children().get(i - 1) : container;
                out.addAll(child == container ? List.of(List.copyOf(next)) : paths(child, next, false));
            } else {
                out.add(next);
            }
        }
        return out;
    }

    @Test
    void generatedMimeTrees() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(20_250_707);
            for (int i = 0; i < ITERATIONS; i++) {
                check(generate(random), random);
            }
        });
    }

    @Test
    void mutatedCorpusAndGeneratedMessages() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random random = new Random(3501);
            List<byte[]> seeds = new ArrayList<>();
            for (String name : Corpus.NAMES) {
                seeds.add(Corpus.bytes(name));
            }
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] seed = i % 2 == 0 ? seeds.get(random.nextInt(seeds.size())) : generate(random);
                byte[] input = mutate(seed, random);
                try {
                    check(input, random);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("input: " + new String(input, StandardCharsets.ISO_8859_1), e);
                }
            }
        });
    }

    @Test
    void randomBytes() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Random random = new Random(42);
            for (int i = 0; i < ITERATIONS; i++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int pieces = random.nextInt(40);
                for (int p = 0; p < pieces; p++) {
                    if (random.nextInt(3) == 0) {
                        byte[] b = new byte[1 + random.nextInt(8)];
                        random.nextBytes(b);
                        out.writeBytes(b);
                    } else {
                        out.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                    }
                }
                check(out.toByteArray(), random);
            }
        });
    }
}
