package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

/** Checks that hold for every parse of every input: offsets in bounds and nested, delimiters where parts meet. */
final class StructureInvariants {

    private StructureInvariants() {
    }

    static void check(MessageStructure m, byte[] raw) {
        assertEquals(raw.length, m.size());
        long lf = 0;
        for (byte b : raw) {
            if (b == '\n') {
                lf++;
            }
        }
        assertEquals(lf, m.lines(), "lines");
        part(m.root(), raw);
    }

    private static void part(MessagePart p, byte[] raw) {
        assertTrue(0 <= p.headerStart() && p.headerStart() <= p.bodyStart() && p.bodyStart() <= p.bodyEnd()
                && p.bodyEnd() <= raw.length, p::toString);
        long lf = 0;
        for (long i = p.bodyStart(); i < p.bodyEnd(); i++) {
            if (raw[(int) i] == '\n') {
                lf++;
            }
        }
        assertEquals(lf, p.bodyLines(), "body lines of " + p);
        if (p.bodyStart() > p.headerStart() && p.bodyStart() < p.bodyEnd()) {
            assertEquals('\n', raw[(int) p.bodyStart() - 1], "a header followed by a body ends with a line feed");
        }
        long previousEnd = p.bodyStart();
        for (MessagePart c : p.children()) {
            assertTrue(c.headerStart() >= previousEnd, "parts in order");
            if (c.headerStart() > p.bodyStart()) {
                // a part starts right after a delimiter line
                String before = new String(raw, (int) p.bodyStart(), (int) (c.headerStart() - p.bodyStart()),
                        StandardCharsets.ISO_8859_1);
                assertTrue(before.contains("--") || c.headerStart() == c.bodyEnd(), "delimiter before " + c);
            }
            previousEnd = c.bodyEnd();
            part(c, raw);
        }
        p.message().ifPresent(inner -> part(inner, raw));
    }

    /** Entities on the longest path from {@code p} down, {@code p} included. */
    static int depth(MessagePart p) {
        int deepest = 0;
        for (MessagePart c : p.children()) {
            deepest = Math.max(deepest, depth(c));
        }
        if (p.message().isPresent()) {
            deepest = Math.max(deepest, depth(p.message().get()));
        }
        return deepest + 1;
    }
}
