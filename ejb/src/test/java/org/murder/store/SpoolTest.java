package org.murder.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path root;

    private Spool spool() {
        return new Spool(Map.of("default", root.resolve("default"), "big", root.resolve("big")));
    }

    @Test
    void aMessageIsWrittenHashedAndLinkedIntoMailboxes() throws IOException {
        Spool s = spool();
        byte[] msg = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Spool.TempMessage t = s.writeTemp("default", new ByteArrayInputStream(msg));
        assertEquals(msg.length, t.size());
        assertEquals("5d8e4da5b5a4d0bd19aa95fc6b0fa0bb2e3de0ebd0b3787aa3fbfcfe33437e0f".length(), t.sha256().length());
        Path a = s.link(t.path(), "default", 7, 1);
        Path b = s.link(t.path(), "default", 8, 42);
        assertEquals(root.resolve("default/7/1."), a);
        assertEquals(root.resolve("default/8/42."), b);
        assertArrayEquals(msg, Files.readAllBytes(a));
        assertArrayEquals(msg, Files.readAllBytes(b));
        s.delete(t.path());
        assertArrayEquals(msg, Files.readAllBytes(a), "links outlive the temp name");
        assertEquals(a, s.messagePath("default", 7, 1));
    }

    @Test
    void aLeftoverFileOfARolledBackUidIsReplaced() throws IOException {
        Spool s = spool();
        Spool.TempMessage old = s.writeTemp("default", new ByteArrayInputStream("old".getBytes()));
        s.link(old.path(), "default", 1, 5);
        Spool.TempMessage fresh = s.writeTemp("default", new ByteArrayInputStream("new".getBytes()));
        Path p = s.link(fresh.path(), "default", 1, 5);
        assertEquals("new", Files.readString(p));
    }

    @Test
    void aFailedWriteLeavesNoTempFile() {
        Spool s = spool();
        InputStream broken = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100) {
                    throw new IOException("client went away");
                }
                return 'x';
            }
        };
        assertThrows(IOException.class, () -> s.writeTemp("default", broken));
        try (var files = Files.list(root.resolve("default/tmp"))) {
            assertEquals(0, files.count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unknownPartitionsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spool().partition("nope"));
        assertTrue(e.getMessage().contains("partition-nope"));
        assertFalse(spool().hasPartition("nope"));
    }
}
