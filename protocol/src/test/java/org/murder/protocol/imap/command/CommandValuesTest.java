package org.murder.protocol.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.search.SearchKey;

class CommandValuesTest {

    @Test
    void messageLiteralComparesBytesNotArrays() throws IOException {
        byte[] frame = "a APPEND x {5}\r\nhello".getBytes(StandardCharsets.US_ASCII);
        MessageLiteral.InFrame inFrame = new MessageLiteral.InFrame(frame, frame.length - 5, 5, false);
        MessageLiteral alone = MessageLiteral.of("hello".getBytes(StandardCharsets.US_ASCII), false);
        assertEquals(alone, inFrame);
        assertEquals(alone.hashCode(), inFrame.hashCode());
        assertNotEquals(MessageLiteral.of("hello".getBytes(StandardCharsets.US_ASCII), true), inFrame);
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), inFrame.openStream().readAllBytes());
        assertEquals(5, inFrame.buffer().remaining());
        assertTrue(inFrame.buffer().isReadOnly());
        assertEquals("MessageLiteral[5 bytes]", inFrame.toString());
        assertFalse(inFrame.containsNul());
        assertThrows(IndexOutOfBoundsException.class, () -> new MessageLiteral.InFrame(frame, frame.length - 4, 5, false));
    }

    @Test
    void collectionsAreCopiedAndImmutable() {
        List<String> flags = new ArrayList<>(List.of("\\Seen"));
        ImapCommand.Store store = new ImapCommand.Store("a", false, SequenceSet.of(1), StoreMode.ADD, false, flags,
                java.util.OptionalLong.empty());
        flags.add("\\Deleted");
        assertEquals(List.of("\\Seen"), store.flags());
        assertThrows(UnsupportedOperationException.class, () -> store.flags().add("x"));
        Map<String, Long> limits = new HashMap<>(Map.of("STORAGE", 1L));
        ImapCommand.SetQuota quota = new ImapCommand.SetQuota("a", "", limits);
        limits.clear();
        assertEquals(Map.of("STORAGE", 1L), quota.limits());
        assertThrows(UnsupportedOperationException.class, () -> quota.limits().clear());
        ImapCommand.Id id = new ImapCommand.Id("a", Optional.of(new HashMap<>(Map.of("k", "v"))));
        assertThrows(UnsupportedOperationException.class, () -> id.parameters().orElseThrow().clear());
    }

    @Test
    void optionSetsIterateInDeclarationOrder() {
        Set<ListReturnOption> given = new LinkedHashSet<>(List.of(ListReturnOption.SPECIAL_USE, ListReturnOption.SUBSCRIBED));
        ImapCommand.ListCommand list = new ImapCommand.ListCommand("a", "", List.of("%"), Set.of(), given, List.of());
        assertEquals(List.of(ListReturnOption.SUBSCRIBED, ListReturnOption.SPECIAL_USE), new ArrayList<>(list.returnOptions()));
        assertTrue(list.extended());
        assertThrows(IllegalArgumentException.class,
                () -> new ImapCommand.ListCommand("a", "", List.of(), Set.of(), Set.of(), List.of()));
    }

    @Test
    void searchAndFetchInvariants() {
        ImapCommand.Search plain = new ImapCommand.Search("a", false, Optional.empty(), SearchKey.ALL, Set.of());
        assertFalse(plain.esearch());
        assertThrows(IllegalArgumentException.class, () -> new ImapCommand.Fetch("a", false, SequenceSet.of(1), List.of(),
                java.util.OptionalLong.empty()));
        assertThrows(IllegalArgumentException.class, () -> new SearchKey.And(List.of(SearchKey.ALL)));
        assertThrows(NullPointerException.class, () -> new ImapCommand.Noop(null));
    }

    @Test
    void enumLookupsAreCaseInsensitive() {
        assertEquals(Optional.of(StatusItem.HIGHESTMODSEQ), StatusItem.named("highestModSeq"));
        assertEquals(Optional.of(StatusItem.DELETED_STORAGE), StatusItem.named("Deleted-Storage"));
        assertEquals(Optional.empty(), StatusItem.named("DELETED_STORAGE"));
        assertEquals("DELETED-STORAGE", StatusItem.DELETED_STORAGE.wireName());
        assertEquals(Optional.of(ListSelectOption.SPECIAL_USE), ListSelectOption.named("special-use"));
        assertEquals(Optional.empty(), ListSelectOption.named("SPECIAL_USE"));
        assertEquals(Optional.of(ListReturnOption.CHILDREN), ListReturnOption.named("Children"));
        assertEquals(Optional.of(SearchReturnOption.COUNT), SearchReturnOption.named("count"));
        assertEquals(Optional.of(SearchReturnOption.SAVE), SearchReturnOption.named("save"));
        assertEquals(Optional.of(SearchReturnOption.PARTIAL), SearchReturnOption.named("partial"));
        assertEquals(Optional.empty(), SearchReturnOption.named("RELEVANCY"));
    }
}
