package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class SortFieldsTest {

    private static SortFields parse(String message) throws IOException {
        return SortFields.parse(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTheFieldsSortAndThreadNeed() throws IOException {
        SortFields f = parse("Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
                + "Subject: Re: [list]\r\n =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
                + "From: =?ISO-8859-1?Q?Andr=E9?= Dupont <Andre.Dupont@Example.ORG>\r\n"
                + "To: team: bob@example.org, carol@example.org;\r\n"
                + "Cc: <dave@example.org>\r\n"
                + "Message-ID: < abc@example.org >\r\n"
                + "References: <r1@x> <r2@x>\r\n\t<r3@x>\r\n"
                + "In-Reply-To: <ignored@x>\r\n"
                + "\r\n"
                + "Subject: in the body\r\n");
        assertEquals(OptionalLong.of(OffsetDateTime.parse("2026-12-07T09:00:00Z").toEpochSecond()), f.sentDate());
        assertEquals(new BaseSubject("GRüßE", true), f.subject());
        assertEquals("ANDRE.DUPONT", f.from());
        assertEquals("TEAM", f.to()); // a group's name is its first address's mailbox, as Cyrus reads it
        assertEquals("DAVE", f.cc());
        assertEquals("ANDRE\u0301 DUPONT", f.displayFrom()); // decomposed: É is E and an accent
        assertEquals("<abc@example.org>", f.messageId());
        assertEquals(List.of("<r1@x>", "<r2@x>", "<r3@x>"), f.references());
    }

    @Test
    void displayFallsBackToTheAddress() throws IOException {
        SortFields f = parse("From: bob@Example.org\r\nTo: \"\" <carol@example.org>\r\n\r\n");
        assertEquals("BOB@EXAMPLE.ORG", f.displayFrom());
        assertEquals("CAROL@EXAMPLE.ORG", f.displayTo());
        assertEquals("BOB", f.from());
    }

    @Test
    void inReplyToWhenThereAreNoReferences() throws IOException {
        assertEquals(List.of("<p@x>"), parse("In-Reply-To: <p@x> <q@x>\r\nReferences: no ids here\r\n\r\n").references());
        assertEquals(List.of(), parse("In-Reply-To: Your message of yesterday\r\n\r\n").references());
    }

    @Test
    void aMessageWithoutHeaderHasEmptyFields() throws IOException {
        assertEquals(SortFields.EMPTY, parse(""));
        assertEquals(SortFields.EMPTY, parse("\r\nSubject: body\r\n"));
        assertEquals(SortFields.EMPTY, parse("no colon at all"));
    }

    @Test
    void bareLfAndTheLastFieldOfAHeaderWithoutBody() throws IOException {
        SortFields f = parse("Subject: one\nFrom: a@b\n second\nMessage-ID: <m@x>");
        assertEquals("ONE", f.subject().base());
        assertEquals("<m@x>", f.messageId());
    }

    @Test
    void aRepeatedFieldCountsOnceTheLastTime() throws IOException {
        assertEquals("SECOND", parse("Subject: first\r\nSubject: second\r\n\r\n").subject().base());
    }

    @Test
    void atMostTwentyReferencesTheRootAndTheNearest() throws IOException {
        StringBuilder refs = new StringBuilder("References:");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            refs.append(" <id").append(i).append("@x>");
            ids.add("<id" + i + "@x>");
        }
        SortFields f = parse(refs + "\r\n\r\n");
        List<String> expected = new ArrayList<>(List.of(ids.get(0)));
        expected.addAll(ids.subList(31, 50));
        assertEquals(expected, f.references());
    }

    @Test
    void theStoredFormIsBounded() {
        String longId = "<" + "x".repeat(990) + "@y>";
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            refs.add(longId.replace("<x", "<" + i));
        }
        SortFields f = SortFields.of(Map.of("references", String.join(" ", refs), "subject", "s".repeat(5000)));
        String stored = f.serialize();
        assertTrue(stored.length() <= SortFields.MAX_SERIALIZED, () -> "" + stored.length());
        assertEquals(1000, f.subject().base().length());
        assertEquals(refs.get(0), f.references().get(0));
        assertEquals(refs.get(19), f.references().get(f.references().size() - 1));
    }

    @Test
    void theStoredFormRoundTrips() throws IOException {
        SortFields f = parse("Subject: 12:3 4:x\r\nFrom: \"a:b\" <1:2@x>\r\nMessage-ID: <m@x>\r\nReferences: <a@x> <b@x>\r\n"
                + "Date: 1 Jan 1970 00:00:00 +0100\r\n\r\n");
        assertEquals(f, SortFields.deserialize(f.serialize()));
        assertEquals(OptionalLong.of(-3600), f.sentDate());
        assertEquals(SortFields.EMPTY, SortFields.deserialize(SortFields.EMPTY.serialize()));
        SortFields fwd = new SortFields(OptionalLong.empty(), new BaseSubject("", true), "", "", "", "", "", "", List.of());
        assertEquals(fwd, SortFields.deserialize(fwd.serialize()));
    }

    @Test
    void anythingElseIsNotAStoredForm() {
        for (String bad : List.of("", "2", "1", "1x", "15:abc", "10:0:1:00:0:0:0:0:0:0:extra", "1-1:")) {
            assertThrows(IllegalArgumentException.class, () -> SortFields.deserialize(bad), bad);
        }
    }

    @Test
    void aHugeHeaderIsReadOnlyToItsBound() throws IOException {
        String big = "X-Filler: " + "y".repeat(SortFields.MAX_HEADER * 2) + "\r\nSubject: never reached\r\n\r\n";
        assertEquals("", parse(big).subject().base());
    }
}
