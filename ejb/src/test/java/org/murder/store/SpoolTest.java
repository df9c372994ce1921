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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
    void aSpilledLiteralIsAdoptedByALinkNotACopyAndHashedAsWriteTempWould() throws IOException {
        Spool s = spool();
        byte[] msg = "Subject: big\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Path spilled = root.resolve("literal-x.tmp");
        Files.write(spilled, msg);
        Spool.TempMessage adopted = s.adoptTemp("default", spilled);
        Spool.TempMessage written = s.writeTemp("default", new ByteArrayInputStream(msg));
        assertEquals(written.size(), adopted.size());
        assertEquals(written.sha256(), adopted.sha256());
        assertEquals(root.resolve("default/tmp"), adopted.path().getParent());
        assertEquals(Files.getAttribute(spilled, "unix:ino"), Files.getAttribute(adopted.path(), "unix:ino"),
                "the same file, linked");
        Files.delete(spilled); // the transport releases its literal once the APPEND is handled
        Path linked = s.link(adopted.path(), "default", 7, 1);
        s.delete(adopted.path());
        assertArrayEquals(msg, Files.readAllBytes(linked));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> s.adoptTemp("default", spilled));
    }

    @Test
    void aLinkNeverReplacesAFileAlreadyThere() throws IOException {
        Spool s = spool();
        Spool.TempMessage old = s.writeTemp("default", new ByteArrayInputStream("old".getBytes()));
        Path kept = s.link(old.path(), "default", 1, 5);
        Spool.TempMessage fresh = s.writeTemp("default", new ByteArrayInputStream("new".getBytes()));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> s.link(fresh.path(), "default", 1, 5));
        assertEquals(kept.toString(), e.getFile());
        assertTrue(e.getMessage().contains("left as it is"), e.getMessage());
        assertEquals("old", Files.readString(kept));
        assertEquals(Files.readAttributes(old.path(), "unix:ino"), Files.readAttributes(kept, "unix:ino"),
                "the same file, not a copy");
        try (var files = Files.list(root.resolve("default/1"))) {
            assertEquals(List.of(kept), files.toList(), "nothing else left in the mailbox directory");
        }
    }

    @Test
    void aFailedFsyncOfTheMessageFileFailsTheLink() throws IOException {
        Spool s = failing(p -> Files.isRegularFile(p));
        Spool.TempMessage t = s.writeTemp("default", new ByteArrayInputStream("m".getBytes()));
        IOException e = assertThrows(IOException.class, () -> s.link(t.path(), "default", 3, 1));
        assertTrue(e.getMessage().contains("EIO"), e.getMessage());
    }

    @Test
    void aFailedFsyncOfTheMailboxDirectoryFailsTheLink() throws IOException {
        Spool s = failing(p -> p.equals(root.resolve("default/3")));
        Spool.TempMessage t = s.writeTemp("default", new ByteArrayInputStream("m".getBytes()));
        IOException e = assertThrows(IOException.class, () -> s.link(t.path(), "default", 3, 1));
        assertTrue(e.getMessage().contains(root.resolve("default/3").toString()), e.getMessage());
    }

    @Test
    void aNewMailboxDirectoryIsSyncedInEveryParentItCreated() throws IOException {
        List<Path> synced = new ArrayList<>();
        Spool s = new Spool(Map.of("deep", root.resolve("a/b")), p -> synced.add(p));
        assertEquals(root.resolve("a/b/9"), s.createMailboxDir("deep", 9));
        assertEquals(List.of(root, root.resolve("a"), root.resolve("a/b")), synced);
        synced.clear();
        s.createMailboxDir("deep", 9);
        assertEquals(List.of(), synced, "an existing directory needs nothing");
        Spool broken = failing(p -> p.equals(root.resolve("default")));
        assertThrows(IOException.class, () -> broken.createMailboxDir("default", 4));
    }

    @Test
    void aCopysLinksAreSyncedOnceTogether() throws IOException {
        List<Path> synced = new ArrayList<>();
        Spool s = new Spool(Map.of("default", root.resolve("default")), synced::add);
        Spool.TempMessage m = s.writeTemp("default", new java.io.ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n".getBytes()));
        Path first = s.link(m.path(), "default", 1, 1);
        synced.clear();
        Path a = s.linkDurableFile(first, "default", 2, 1);
        Path b = s.linkDurableFile(first, "default", 2, 2);
        assertEquals(List.of(root.resolve("default")), synced,
                "only the new directory's name in its parent; no fsync per message");
        synced.clear();
        s.syncMailboxDir("default", 2);
        assertEquals(List.of(root.resolve("default/2")), synced, "the names, once");
        assertArrayEquals(java.nio.file.Files.readAllBytes(first), java.nio.file.Files.readAllBytes(a));
        assertTrue(java.nio.file.Files.exists(b));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> s.linkDurableFile(first, "default", 2, 2));
    }

    /** A spool whose fsync fails with EIO for the paths {@code fails} picks. */
    private Spool failing(Predicate<Path> fails) {
        return new Spool(Map.of("default", root.resolve("default")), p -> {
            if (fails.test(p)) {
                throw new IOException("fsync " + p + ": EIO (Input/output error)");
            }
            Spool.Fsync.DISK.force(p);
        });
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
