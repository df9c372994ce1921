package org.murder.protocol.sasl;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The node's user file ({@code murder-users.properties}): one {@code NAME=CREDENTIALS} line a user, in Java
 * properties syntax and UTF-8, the credentials as {@link StoredCredentials} writes them. Read again whenever the
 * file changes (so {@code ./murder adduser} takes effect without a reload); written only whole, through a
 * temporary file of mode 0600 renamed over it.
 */
public final class UserFile {

    private final Path path;
    private volatile Loaded loaded;

    private record Loaded(Object fileKey, long modified, long size, Map<String, StoredCredentials> users) {
    }

    public UserFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** A user's credentials as the file holds them now; empty for an unknown user or a missing file. */
    public Optional<StoredCredentials> lookup(String user) throws IOException {
        return Optional.ofNullable(current().users().get(user));
    }

    private Loaded current() throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return new Loaded(null, 0, 0, Map.of());
        }
        Loaded l = loaded;
        long modified = a.lastModifiedTime().toMillis();
        if (l == null || l.modified() != modified || l.size() != a.size() || !java.util.Objects.equals(l.fileKey(), a.fileKey())) {
            Map<String, StoredCredentials> users = new HashMap<>();
            read(path).forEach((name, value) -> users.put(name, StoredCredentials.parse(value)));
            l = new Loaded(a.fileKey(), modified, a.size(), Map.copyOf(users));
            loaded = l;
        }
        return l;
    }

    /** The file's entries, name → value. */
    public static Map<String, String> read(Path file) throws IOException {
        Properties p = new Properties();
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** Sets (replaces) one user's credentials, keeping every other line. */
    public static void put(Path file, String user, StoredCredentials credentials) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : existingLines(file)) {
            if (!user.equals(key(line))) {
                lines.add(line);
            }
        }
        lines.add(escape(user) + "=" + credentials.encode());
        write(file, lines);
    }

    /** Rewrites every clear-text password of the file hashed; returns how many it rewrote. */
    public static int migrate(Path file, int iterations) throws IOException {
        List<String> lines = new ArrayList<>();
        int rewritten = 0;
        for (String line : existingLines(file)) {
            String key = key(line);
            if (key != null) {
                Properties p = parseLine(line);
                StoredCredentials c = StoredCredentials.parse(p.getProperty(key));
                if (!c.hashed()) {
                    char[] password = p.getProperty(key).toCharArray();
                    line = escape(key) + "=" + StoredCredentials.hash(password, iterations).encode();
                    java.util.Arrays.fill(password, '\0');
                    rewritten++;
                }
            }
            lines.add(line);
        }
        if (rewritten > 0) {
            write(file, lines);
        }
        return rewritten;
    }

    private static List<String> existingLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** The property a single line defines, or null for a comment or a blank line. */
    private static String key(String line) {
        Properties p = parseLine(line);
        return p.isEmpty() ? null : p.stringPropertyNames().iterator().next();
    }

    private static Properties parseLine(String line) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A properties key: the characters properties syntax gives a meaning to, escaped. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if ("\\=:#! ".indexOf(ch) >= 0) {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }

    /**
     * {@code ./murder adduser} and {@code ./murder hashusers} run this from the built jar:
     * {@code set FILE NAME} (the password: one line on standard input) or {@code migrate FILE}.
     */
    public static void main(String[] args) throws IOException {
        int iterations = Integer.getInteger("murder.scram.iterations", ScramKeys.DEFAULT_ITERATIONS);
        if (args.length == 3 && args[0].equals("set")) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                System.err.println("no password on standard input");
                System.exit(2);
            }
            char[] password = line.toCharArray();
            put(Path.of(args[1]), args[2], StoredCredentials.hash(password, iterations));
            java.util.Arrays.fill(password, '\0');
        } else if (args.length == 2 && args[0].equals("migrate")) {
            System.out.println(migrate(Path.of(args[1]), iterations));
        } else {
            System.err.println("usage: UserFile set FILE NAME < password | UserFile migrate FILE");
            System.exit(2);
        }
    }
}
