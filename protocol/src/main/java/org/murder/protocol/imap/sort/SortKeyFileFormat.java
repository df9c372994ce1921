package org.murder.protocol.imap.sort;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * The bytes of a mailbox's sort key file: the {@link SortFields} of its messages by UID, kept beside the messages so
 * that the first SORT after a start reads one file sequentially, as Cyrus reads cyrus.cache, rather than a database
 * row per message. Derived data: whatever is missing or damaged is read again from the database.
 * <p>
 * A header (magic, version, the mailbox's UIDVALIDITY: keys of another incarnation are never read) and then segments,
 * each written whole by one append: its own table of distinct strings and records that point into it, closed by a
 * CRC-32C. A value that repeats across messages (a sender, a base subject, a thread's root ID) is stored and decoded
 * once per segment, and handed out once per segment to the caller's pool. A segment cut short or damaged ends the
 * readable part of the file; the next append starts there.
 */
public final class SortKeyFileFormat {

    /** Bytes of the header. */
    public static final int HEADER = 16;
    private static final int MAGIC = 0x4d534b46; // "MSKF"
    private static final int VERSION = 1;
    private static final int SEGMENT = 0x534b5347; // "SKSG"
    /** A segment's bytes beyond its body: magic, length, CRC. */
    private static final int FRAME = 12;
    private static final long NO_DATE = Long.MIN_VALUE;
    /** Stays well inside what one append writes (a whole 1,000,000-message mailbox is ~100 MB). */
    private static final int MAX_SEGMENT = 512 * 1024 * 1024;

    private SortKeyFileFormat() {
    }

    /** One message's keys as a segment holds them. */
    public record Keys(long uid, SortFields fields) {
    }

    /** Receives what {@link #read} finds, in file order; a UID may come twice (the same keys). */
    public interface Sink {
        void accept(long uid, SortFields fields);
    }

    /** What {@link #read} saw: where the readable part ends and how many segments and records it holds. */
    public record Read(long validEnd, int segments, int records) {
    }

    public static byte[] header(long uidValidity) {
        return ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).putLong(uidValidity).array();
    }

    /** Whether {@code file} starts with this format's header for this UIDVALIDITY. */
    public static boolean hasHeader(ByteBuffer file, long uidValidity) {
        return file.remaining() >= HEADER && file.getInt(file.position()) == MAGIC
                && file.getInt(file.position() + 4) == VERSION && file.getLong(file.position() + 8) == uidValidity;
    }

    /** One segment holding these keys. */
    public static byte[] segment(List<Keys> keys) {
        Map<String, Integer> index = new HashMap<>();
        List<String> strings = new ArrayList<>();
        index.put("", 0);
        strings.add("");
        ByteArrayOutputStream recordBytes = new ByteArrayOutputStream(keys.size() * 48);
        try (DataOutputStream r = new DataOutputStream(recordBytes)) {
            for (Keys k : keys) {
                SortFields f = k.fields();
                r.writeLong(k.uid());
                r.writeLong(f.sentDate().isPresent() ? f.sentDate().getAsLong() : NO_DATE);
                r.writeInt(ref(f.subject().base(), index, strings));
                r.writeByte(f.subject().replyOrForward() ? 1 : 0);
                for (String s : new String[] {f.from(), f.to(), f.cc(), f.displayFrom(), f.displayTo(), f.messageId()}) {
                    r.writeInt(ref(s, index, strings));
                }
                r.writeShort(f.references().size());
                for (String id : f.references()) {
                    r.writeInt(ref(id, index, strings));
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(recordBytes.size() + strings.size() * 24 + 8);
            DataOutputStream b = new DataOutputStream(body);
            b.writeInt(strings.size());
            for (String s : strings) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                b.writeInt(utf8.length);
                b.write(utf8);
            }
            b.writeInt(keys.size());
            recordBytes.writeTo(b);
            b.flush();
            byte[] bodyBytes = body.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(bodyBytes);
            return ByteBuffer.allocate(FRAME + bodyBytes.length).putInt(SEGMENT).putInt(bodyBytes.length).put(bodyBytes)
                    .putInt((int) crc.getValue()).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: never
        }
    }

    private static int ref(String s, Map<String, Integer> index, List<String> strings) {
        Integer at = index.get(s);
        if (at == null) {
            at = strings.size();
            index.put(s, at);
            strings.add(s);
        }
        return at;
    }

    /**
     * Reads the segments of a whole file (header included) and hands each record to {@code sink}, the repeated values
     * passed through {@code shared}. A file without this UIDVALIDITY's header reads as empty ({@code validEnd} 0).
     */
    public static Read read(ByteBuffer file, long uidValidity, UnaryOperator<String> shared, Sink sink) {
        if (!hasHeader(file, uidValidity)) {
            return new Read(0, 0, 0);
        }
        ByteBuffer rest = file.duplicate();
        rest.position(file.position() + HEADER);
        Read r = segments(rest, shared, sink);
        return new Read(HEADER + r.validEnd(), r.segments(), r.records());
    }

    /**
     * Reads segments from {@code bytes}' position on (a part of a file after its header) until its end or the first
     * segment cut short or damaged; {@code validEnd} counts the bytes of the sound segments.
     */
    public static Read segments(ByteBuffer bytes, UnaryOperator<String> shared, Sink sink) {
        int start = bytes.position();
        int p = start;
        int segments = 0;
        int records = 0;
        int length;
        while ((length = soundBody(bytes, p)) >= 0) {
            ByteBuffer body = bytes.duplicate();
            body.limit(p + 8 + length).position(p + 8);
            List<Keys> keys;
            try {
                keys = records(body, shared);
            } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
                break; // a sound checksum over bytes this format did not write
            }
            for (Keys k : keys) {
                sink.accept(k.uid(), k.fields());
            }
            records += keys.size();
            p += FRAME + length;
            segments++;
        }
        return new Read(p - start, segments, records);
    }

    /**
     * Where the readable part of a whole file ends (0 without this UIDVALIDITY's header) and how many segments it has,
     * checking, not decoding ({@code records} 0).
     */
    public static Read validEnd(ByteBuffer file, long uidValidity) {
        if (!hasHeader(file, uidValidity)) {
            return new Read(0, 0, 0);
        }
        int p = file.position() + HEADER;
        int segments = 0;
        int length;
        while ((length = soundBody(file, p)) >= 0) {
            p += FRAME + length;
            segments++;
        }
        return new Read(p - file.position(), segments, 0);
    }

    /** The body length of the segment at {@code p} if it is whole and its checksum holds, else −1. */
    private static int soundBody(ByteBuffer bytes, int p) {
        if (bytes.limit() - p < FRAME || bytes.getInt(p) != SEGMENT) {
            return -1;
        }
        int length = bytes.getInt(p + 4);
        if (length < 8 || length > MAX_SEGMENT || length > bytes.limit() - p - FRAME) {
            return -1;
        }
        ByteBuffer body = bytes.duplicate();
        body.limit(p + 8 + length).position(p + 8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        return (int) crc.getValue() == bytes.getInt(p + 8 + length) ? length : -1;
    }

    private static List<Keys> records(ByteBuffer body, UnaryOperator<String> shared) {
        int count = body.getInt();
        if (count < 1 || count > body.remaining() / 4) {
            throw new IllegalArgumentException("string count");
        }
        String[] strings = new String[count];
        for (int i = 0; i < count; i++) {
            int len = body.getInt();
            if (len < 0 || len > body.remaining()) {
                throw new IllegalArgumentException("string length");
            }
            if (body.hasArray()) {
                strings[i] = new String(body.array(), body.arrayOffset() + body.position(), len, StandardCharsets.UTF_8);
                body.position(body.position() + len);
            } else {
                byte[] utf8 = new byte[len];
                body.get(utf8);
                strings[i] = new String(utf8, StandardCharsets.UTF_8);
            }
        }
        // each value goes through the pool once per segment, and only those that sit where values repeat
        String[] pooled = new String[count];
        int records = body.getInt();
        if (records < 0 || records > body.remaining() / 47) {
            throw new IllegalArgumentException("record count");
        }
        List<Keys> out = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            long uid = body.getLong();
            long date = body.getLong();
            String subject = pooled(body.getInt(), strings, pooled, shared);
            boolean reply = body.get() != 0;
            String from = pooled(body.getInt(), strings, pooled, shared);
            String to = pooled(body.getInt(), strings, pooled, shared);
            String cc = pooled(body.getInt(), strings, pooled, shared);
            String displayFrom = pooled(body.getInt(), strings, pooled, shared);
            String displayTo = pooled(body.getInt(), strings, pooled, shared);
            String messageId = strings[body.getInt()];
            int refCount = body.getShort();
            if (refCount < 0) {
                throw new IllegalArgumentException("reference count");
            }
            String[] refs = new String[refCount];
            for (int r = 0; r < refCount; r++) {
                refs[r] = pooled(body.getInt(), strings, pooled, shared);
            }
            out.add(new Keys(uid, new SortFields(date == NO_DATE ? OptionalLong.empty() : OptionalLong.of(date),
                    subject.isEmpty() && !reply ? BaseSubject.EMPTY : new BaseSubject(subject, reply),
                    from, to, cc, displayFrom, displayTo, messageId, List.of(refs))));
        }
        if (body.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        return out;
    }

    private static String pooled(int at, String[] strings, String[] pooled, UnaryOperator<String> shared) {
        String s = pooled[at];
        if (s == null) {
            s = strings[at].isEmpty() ? "" : shared.apply(strings[at]);
            pooled[at] = s;
        }
        return s;
    }
}
