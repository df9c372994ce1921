package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BodyTextTest {

    private static String text(String message) throws IOException {
        return BodyText.of(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String b64(String s) {
        return Base64.getMimeEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMessageWithoutMimeIsItsBody() throws IOException {
        assertEquals("Hello there\r\nsecond line\r\n", text("Subject: x\r\n\r\nHello there\r\nsecond line\r\n"));
    }

    @Test
    void base64IsUndoneAndItsLettersAreNotSearched() throws IOException {
        String encoded = b64("the secret rendezvous is at noon");
        String body = text("Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n");
        assertTrue(body.contains("secret rendezvous"), body);
        assertFalse(body.contains(encoded.substring(0, 12)), "the encoded form is not the text");
    }

    @Test
    void quotedPrintableSoftBreaksAndOctetsAreUndone() throws IOException {
        String body = text("Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nun caf=C3=A9 cr=C3=A8me tr=\r\nes bon\r\n");
        assertTrue(body.contains("un café crème tres bon"), body);
    }

    @Test
    void aDeclaredCharsetIsDecoded() throws IOException {
        byte[] latin1 = "Grüße aus Köln".getBytes(StandardCharsets.ISO_8859_1);
        String message = "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + new String(latin1, StandardCharsets.ISO_8859_1) + "\r\n";
        assertTrue(text(message).contains("Grüße aus Köln"));
    }

    @Test
    void undeclaredEightBitIsUtf8WhenItIsThat() throws IOException {
        String utf8 = new String("Grüße".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertTrue(text("Subject: x\r\n\r\n" + utf8 + "\r\n").contains("Grüße"));
    }

    @Test
    void everyTextPartOfAMultipartIsSearchedAndAttachmentsAreNot() throws IOException {
        String message = "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
                + "--b2\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain words\r\n"
                + "--b2\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("<p>html words</p>") + "\r\n--b2--\r\n"
                + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("attachment words") + "\r\n"
                + "--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nforwarded words\r\n"
                + "--b1--\r\nepilogue\r\n";
        String body = text(message);
        assertTrue(body.contains("plain words"), body);
        assertTrue(body.contains("html words"), body);
        assertTrue(body.contains("forwarded words"), body);
        assertFalse(body.contains("attachment words"), body);
    }

    @Test
    void aBrokenMultipartIsSearchedAsFarAsItGoes() throws IOException {
        String body = text("Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
                + "--zz\r\nContent-Type: text/plain\r\n\r\nno closing boundary here\r\n");
        assertTrue(body.contains("no closing boundary"), body);
    }
}
