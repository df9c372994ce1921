package org.murder.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Inputs for the fuzz properties ({@code *DecoderFuzzTest}): mostly structure-aware mutations of a seed corpus of
 * real sessions ({@code src/test/resources/fuzz/<decoder>/}, one wire stream per file), some soups of grammar
 * tokens, some random bytes. A mutated input is a seed plus a list of {@link Edit}s, so jqwik shrinks a failure to
 * the fewest, smallest edits of the simplest seed.
 *
 * <p>Two edits exist to reach resource bounds rather than syntax corners: {@code REPEAT} copies a slice of the
 * input up to a few thousand times and {@code REPEAT_TOKEN} inserts a dictionary token as often, which is how a
 * fuzzer builds {@code NOT NOT NOT ...}, {@code ((((...} or a MIME entity nested a thousand deep.
 */
public final class FuzzInputs {

    /** Bytes that end, open or close something in line-and-literal grammars. */
    private static final byte[] SPECIALS = "\r\n \t{}()[]<>\"\\+-*:.,;=@!%~0123456789\0".getBytes(StandardCharsets.ISO_8859_1);

    private static final String[] NUMBERS = {
        "0", "1", "-1", "127", "128", "255", "256", "65535", "65536", "2147483647", "2147483648", "4294967295",
        "4294967296", "9223372036854775807", "9223372036854775808", "99999999999999999999999",
        "00000000000000000000000000003", "0000000000", // number is 1*DIGIT: leading zeros count for nothing
    };

    /** The most times a REPEAT edit copies: past every nesting bound we have, below a slow input. */
    private static final int MAX_REPEAT = 5_000;

    private enum Op { SET_BYTE, SPECIAL_BYTE, INSERT_TOKEN, DELETE, REPEAT, REPEAT_TOKEN, SPLICE, TRUNCATE, NUMBER, CASE, LINE_END }

    /** One edit; {@code at}, {@code length} and {@code value} are taken modulo what they index. */
    public record Edit(int op, int at, int length, int value) {
    }

    private FuzzInputs() {
    }

    /** Every file under each classpath folder (e.g. {@code fuzz/lmtp}), in name order. */
    public static List<byte[]> seeds(String... folders) {
        List<byte[]> seeds = new ArrayList<>();
        for (String folder : folders) {
            try (Stream<Path> files = Files.list(Paths.get(url(folder).toURI()))) {
                for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted().toList()) {
                    seeds.add(Files.readAllBytes(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalStateException("empty seed corpus " + Arrays.toString(folders));
        }
        return seeds;
    }

    private static URL url(String resource) {
        URL url = FuzzInputs.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no " + resource + " on the test classpath");
        }
        return url;
    }

    private static byte[] resource(String resource) {
        try (InputStream in = url(resource).openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A dictionary in libFuzzer's format: one {@code "token"} per line ({@code \\}, {@code \"} and {@code \xNN}
     * escapes), {@code #} comments and blank lines ignored.
     */
    public static List<byte[]> dictionary(String resource) {
        List<byte[]> tokens = new ArrayList<>();
        for (String line : new String(resource(resource), StandardCharsets.UTF_8).split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.length() < 2 || !line.startsWith("\"") || !line.endsWith("\"")) {
                throw new IllegalArgumentException(resource + ": not a quoted token: " + line);
            }
            ByteArrayOutputStream token = new ByteArrayOutputStream();
            for (int i = 1; i < line.length() - 1; i++) {
                char c = line.charAt(i);
                if (c != '\\') {
                    token.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                } else if (line.charAt(i + 1) == 'x') {
                    token.write(Integer.parseInt(line.substring(i + 2, i + 4), 16));
                    i += 3;
                } else {
                    token.write(line.charAt(++i));
                }
            }
            tokens.add(token.toByteArray());
        }
        return tokens;
    }

    /**
     * Inputs for one decoder: mutations of the seeds in {@code fuzz/<name>/} (and any further seed folders) with
     * the tokens of {@code fuzz/<name>.dict}.
     */
    public static Arbitrary<byte[]> inputs(String name, int maxSize, String... moreSeedFolders) {
        List<String> folders = new ArrayList<>(List.of("fuzz/" + name));
        folders.addAll(List.of(moreSeedFolders));
        return inputs(seeds(folders.toArray(String[]::new)), dictionary("fuzz/" + name + ".dict"), maxSize);
    }

    /**
     * Mutated seeds (6 in 10), token soups (2 in 10) and random bytes (2 in 10), none longer than {@code maxSize}.
     *
     * @param tokens grammar pieces of the decoder's protocol: keywords, delimiters, nesting openers
     */
    public static Arbitrary<byte[]> inputs(List<byte[]> seeds, List<byte[]> tokens, int maxSize) {
        Arbitrary<Edit> edit = Combinators.combine(
                Arbitraries.integers().between(0, Op.values().length - 1),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, 1 << 16),
                Arbitraries.integers().greaterOrEqual(0)).as(Edit::new);
        Arbitrary<byte[]> mutated = Combinators.combine(
                Arbitraries.integers().between(0, seeds.size() - 1),
                Arbitraries.integers().between(0, seeds.size() - 1),
                edit.list().ofMaxSize(8)).as((seed, donor, edits) ->
                        mutate(seeds.get(seed), seeds.get(donor), edits, tokens, maxSize));
        Arbitrary<byte[]> soup = Arbitraries.integers().between(0, tokens.size() + 255).list().ofMaxSize(48)
                .map(picks -> soup(picks, tokens));
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(Math.min(maxSize, 1024));
        return Arbitraries.frequencyOf(Tuple.of(6, mutated), Tuple.of(2, soup), Tuple.of(2, noise));
    }

    /** Applies {@code edits} to a copy of {@code seed}; {@code donor} is what SPLICE takes a slice of. */
    public static byte[] mutate(byte[] seed, byte[] donor, List<Edit> edits, List<byte[]> tokens, int maxSize) {
        byte[] b = seed.length > maxSize ? Arrays.copyOf(seed, maxSize) : seed.clone();
        for (Edit e : edits) {
            b = apply(b, donor, e, tokens, maxSize);
        }
        return b;
    }

    private static byte[] apply(byte[] b, byte[] donor, Edit e, List<byte[]> tokens, int maxSize) {
        int at = b.length == 0 ? 0 : e.at() % (b.length + 1);
        int room = maxSize - b.length;
        switch (Op.values()[e.op()]) {
            case SET_BYTE:
                return b.length == 0 ? b : set(b, at % b.length, (byte) e.value());
            case SPECIAL_BYTE:
                return b.length == 0 ? b : set(b, at % b.length, SPECIALS[e.value() % SPECIALS.length]);
            case INSERT_TOKEN:
                return insert(b, at, tokens.get(e.value() % tokens.size()), 1, room);
            case DELETE:
                return delete(b, at, Math.min(b.length - at, e.length() % 64 + 1));
            case REPEAT: {
                int len = Math.min(b.length - at, e.length() % 16 + 1);
                return insert(b, at, Arrays.copyOfRange(b, at, at + len), e.value() % MAX_REPEAT + 1, room);
            }
            case REPEAT_TOKEN:
                return insert(b, at, tokens.get(e.value() % tokens.size()), e.length() % MAX_REPEAT + 2, room);
            case SPLICE: {
                int from = donor.length == 0 ? 0 : e.value() % donor.length;
                int len = Math.min(donor.length - from, e.length() % 256);
                return insert(b, at, Arrays.copyOfRange(donor, from, from + len), 1, room);
            }
            case TRUNCATE:
                return Arrays.copyOf(b, at);
            case NUMBER:
                return number(b, at, NUMBERS[e.value() % NUMBERS.length].getBytes(StandardCharsets.US_ASCII), room);
            case CASE: {
                byte[] c = b.clone();
                for (int i = at; i < Math.min(c.length, at + e.length() % 32 + 1); i++) {
                    if (Character.isLetter(c[i])) {
                        c[i] ^= 0x20;
                    }
                }
                return c;
            }
            default:
                return lineEnd(b, at, e.value() % 3, room);
        }
    }

    private static byte[] set(byte[] b, int at, byte value) {
        byte[] c = b.clone();
        c[at] = value;
        return c;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece, int times, int room) {
        if (piece.length == 0) {
            return b;
        }
        times = Math.min(times, room / piece.length);
        if (times <= 0) {
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + piece.length * times);
        out.write(b, 0, at);
        for (int i = 0; i < times; i++) {
            out.writeBytes(piece);
        }
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static byte[] delete(byte[] b, int at, int len) {
        byte[] c = new byte[b.length - len];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + len, c, at, b.length - at - len);
        return c;
    }

    /** Replaces the run of digits at or after {@code at} (or inserts there if there is none). */
    private static byte[] number(byte[] b, int at, byte[] digits, int room) {
        int start = at;
        while (start < b.length && !Character.isDigit(b[start])) {
            start++;
        }
        if (start == b.length) {
            return insert(b, at, digits, 1, room);
        }
        int end = start;
        while (end < b.length && Character.isDigit(b[end])) {
            end++;
        }
        return insert(delete(b, start, end - start), start, digits, 1, room + end - start);
    }

    /** CRLF becomes LF, LF becomes CRLF, or a lone CR goes in: the line-end hazards. */
    private static byte[] lineEnd(byte[] b, int at, int kind, int room) {
        for (int i = at; i < b.length; i++) {
            if (b[i] == '\n') {
                if (kind == 0 && i > 0 && b[i - 1] == '\r') {
                    return delete(b, i - 1, 1);
                }
                if (kind == 1) {
                    return insert(b, i, new byte[] {'\r'}, 1, room);
                }
                break;
            }
        }
        return insert(b, at, new byte[] {kind == 2 ? (byte) '\r' : (byte) '\n'}, 1, room);
    }

    private static byte[] soup(List<Integer> picks, List<byte[]> tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p : picks) {
            if (p < tokens.size()) {
                out.writeBytes(tokens.get(p));
            } else {
                out.write(p - tokens.size());
            }
        }
        return out.toByteArray();
    }

    /** {@code input} cut into random pieces (each of 1 byte or more), as a socket might deliver it. */
    public static List<ByteBuffer> chunks(byte[] input, long seed) {
        Random random = new Random(seed);
        List<ByteBuffer> chunks = new ArrayList<>();
        int from = 0;
        while (from < input.length) {
            int rest = input.length - from;
            // mostly small pieces (every state boundary gets cut), sometimes large ones
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(rest) : Math.min(rest, 1 + random.nextInt(8));
            chunks.add(ByteBuffer.wrap(input, from, n));
            from += n;
        }
        return chunks;
    }
}
