package org.murder.imap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.murder.protocol.imap.message.EncodedWords;
import org.murder.protocol.imap.search.BodyText;
import org.murder.protocol.imap.search.SearchableMessage;

/** A stored message as SEARCH sees it; the file is read only when a key needs its header or body. */
final class SpoolMessage implements SearchableMessage {

    private final SelectedMailbox.Message message;
    private final long msn;
    /** Made only when a key reads the file: most searches (flags, dates, UIDs) never do. */
    private final java.util.function.Supplier<Path> file;
    private List<String[]> fields;
    private String body;

    private final boolean recent;

    SpoolMessage(SelectedMailbox.Message message, long msn, boolean recent, java.util.function.Supplier<Path> file) {
        this.message = message;
        this.recent = recent;
        this.msn = msn;
        this.file = file;
    }

    SpoolMessage(SelectedMailbox.Message message, long msn, boolean recent, Path file) {
        this(message, msn, recent, () -> file);
    }

    @Override
    public long uid() {
        return message.uid();
    }

    @Override
    public long sequenceNumber() {
        return msn;
    }

    @Override
    public java.util.Collection<String> flags() {
        return message.flags().atoms();
    }

    @Override
    public boolean recent() {
        return recent;
    }

    @Override
    public ZonedDateTime internalDate() {
        return message.internalDate().atZone(ZoneId.systemDefault());
    }

    @Override
    public long size() {
        return message.size();
    }

    @Override
    public long modSeq() {
        return message.modSeq();
    }

    private void load() {
        if (fields != null) {
            return;
        }
        String raw;
        try {
            raw = new String(Files.readAllBytes(file.get()), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            // Expunged by another session that this one has not been told about yet (EXPUNGE may not be sent
            // during SEARCH): the session still numbers it, its file is gone. RFC 2180 4.1.3 lets SEARCH treat
            // it either way; here it has no header and no body, so only flag, size and date keys can match it.
            raw = "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            end = raw.indexOf("\n\n");
        }
        String header = raw.substring(0, end < 0 ? raw.length() : end);
        fields = new ArrayList<>();
        for (String line : header.split("\r?\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
                String[] last = fields.get(fields.size() - 1);
                last[1] = last[1] + " " + line.trim();
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
                }
            }
        }
    }

    /** Raw 8-bit header text (read as ISO-8859-1) as UTF-8 when it is that, else as the Latin-1 it then likely is. */
    private static String text(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return raw;
        }
    }

    @Override
    public List<String> header(String name) {
        load();
        List<String> out = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                out.add(text(f[1]));
            }
        }
        return out;
    }

    @Override
    public Optional<ZonedDateTime> sentDate() {
        List<String> date = header("Date");
        if (date.isEmpty()) {
            return Optional.empty();
        }
        try {
            String d = date.get(0).replaceAll("\\s*\\([^)]*\\)\\s*$", "").trim();
            return Optional.of(ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String headerText() {
        load();
        StringBuilder out = new StringBuilder();
        for (String[] f : fields) {
            out.append(f[0]).append(": ").append(EncodedWords.decode(text(f[1]))).append('\n');
        }
        return out.toString();
    }

    @Override
    public String bodyText() {
        if (body == null) {
            try (java.io.InputStream in = Files.newInputStream(file.get())) {
                body = BodyText.of(in);
            } catch (NoSuchFileException e) {
                body = ""; // expunged meanwhile, as in load()
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body;
    }
}
