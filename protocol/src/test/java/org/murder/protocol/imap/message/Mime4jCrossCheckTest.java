package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.junit.jupiter.api.Test;

/**
 * Our delimiter scan against mime4j's own {@link MimeTokenStream} on well-formed random MIME trees (where mime4j's
 * buffer-edge behaviour cannot show): the same leaf parts, in the same order, with the same types and the same raw
 * bodies. Zero-part multiparts are left out: there we show one empty text part (as Cyrus and Dovecot do), mime4j none.
 */
class Mime4jCrossCheckTest {

    record Leaf(String type, String body) {
    }

    private static List<Leaf> ours(byte[] raw) {
        List<Leaf> out = new ArrayList<>();
        collect(Corpus.parse(raw).root(), raw, out);
        return out;
    }

    private static void collect(MessagePart p, byte[] raw, List<Leaf> out) {
        if (p.isMultipart()) {
            p.children().forEach(c -> collect(c, raw, out));
        } else if (p.isMessage()) {
            collect(p.message().get(), raw, out);
        } else if (p.headerStart() != p.bodyEnd()) {
            out.add(new Leaf(p.mediaType() + "/" + p.subtype(),
                    new String(Arrays.copyOfRange(raw, (int) p.bodyStart(), (int) p.bodyEnd()),
                            java.nio.charset.StandardCharsets.ISO_8859_1)));
        }
    }

    private static List<Leaf> mime4j(byte[] raw) throws Exception {
        MimeTokenStream stream = new MimeTokenStream(MimeConfig.PERMISSIVE);
        stream.setRecursionMode(RecursionMode.M_RECURSE);
        stream.parse(new ByteArrayInputStream(raw));
        List<Leaf> out = new ArrayList<>();
        for (EntityState s = stream.getState(); s != EntityState.T_END_OF_STREAM; s = stream.next()) {
            if (s == EntityState.T_BODY) {
                out.add(new Leaf(stream.getBodyDescriptor().getMimeType(),
                        new String(stream.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1)));
            }
        }
        return out;
    }

    @Test
    void sameLeavesAsMime4j() throws Exception {
        Random random = new Random(2046);
        int compared = 0;
        for (int i = 0; i < 1_000; i++) {
            byte[] raw = MessageStructureFuzzTest.generate(random);
            List<Leaf> ours = ours(raw);
            assertEquals(mime4j(raw), ours, () -> new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1));
            compared += ours.size();
        }
        assertEquals(true, compared > 1_000);
    }

    @Test
    void sameLeavesAsMime4jOnTheWellFormedCorpus() throws Exception {
        for (String name : List.of("plain.eml", "alternative.eml", "mixed-attachment.eml", "nested-rfc822.eml",
                "quoted-printable.eml", "bare-lf.eml", "rfc2231.eml", "8bit-header.eml")) {
            byte[] raw = Corpus.bytes(name);
            assertEquals(mime4j(raw), ours(raw), name);
        }
    }
}
