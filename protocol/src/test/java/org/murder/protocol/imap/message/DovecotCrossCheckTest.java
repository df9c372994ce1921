package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * Cross-check with an independent implementation: the messages and expected sizes/line counts of Dovecot's
 * {@code src/lib-imap/test-imap-bodystructure.c} and {@code test-imap-envelope.c} (tests copied from imaptest). Dovecot
 * counts sizes as if lines ended in CRLF, so the messages are fed with CRLF; the expected strings are Dovecot's with
 * Cyrus's spelling (upper-case types, parameter names, encodings, dispositions and languages; no default charset on
 * a text part that has a Content-Type without one).
 */
class DovecotCrossCheckTest {

    private static MessageStructure parse(String lfMessage) throws IOException {
        byte[] raw = lfMessage.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        return MessageStructure.parse(new ByteArrayInputStream(raw));
    }

    private static final String HEAD = "From: user@domain.org\nDate: Sat, 24 Mar 2017 23:00:00 +0200\nMime-Version: 1.0\n";
    private static final String USER_ENVELOPE = "(\"Sat, 24 Mar 2017 23:00:00 +0200\" NIL ((NIL NIL \"user\" \"domain.org\")) "
            + "((NIL NIL \"user\" \"domain.org\")) ((NIL NIL \"user\" \"domain.org\")) NIL NIL NIL NIL NIL)";

    @Test
    void plainText() throws IOException {
        MessageStructure m = parse(HEAD + "Content-Type: text/plain; charset=us-ascii\n\nbody\n");
        assertEquals("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL NIL)", m.bodyStructure());
        assertEquals("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1)", m.body());
        assertEquals(USER_ENVELOPE, m.envelope());
    }

    @Test
    void eightBitText() throws IOException {
        MessageStructure m = parse(HEAD + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nbody\n\n");
        assertEquals("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"8BIT\" 8 2 NIL NIL NIL NIL)", m.bodyStructure());
    }

    @Test
    void foldedQuotedBoundary() throws IOException {
        MessageStructure m = parse(HEAD.replace("2017", "2007") + "Content-Type: multipart/mixed; boundary=\"foo\n bar\"\n\n"
                + "--foo bar\nContent-Type: text/x-myown; charset=us-ascii\n\nhello\n\n--foo bar--\n\n");
        assertEquals("((\"TEXT\" \"X-MYOWN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 7 1 NIL NIL NIL NIL) \"MIXED\" "
                + "(\"BOUNDARY\" \"foo bar\") NIL NIL NIL)", m.bodyStructure());
        assertEquals("((\"TEXT\" \"X-MYOWN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 7 1) \"MIXED\")", m.body());
    }

    private static final String ATTACHED = "--foo bar\nContent-Type: text/plain; charset=us-ascii\n%s\nSee attached...\n\n"
            + "--foo bar\nContent-Type: message/rfc822\n%s\n" + HEAD + "Content-Type: text/plain; charset=us-ascii\n\n"
            + "body\n\n--foo bar--\n";

    @Test
    void encapsulatedMessage() throws IOException {
        MessageStructure m = parse(HEAD + "Content-Type: multipart/mixed; boundary=\"foo bar\"\n\n"
                + String.format(ATTACHED, "", "") + "\n");
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 17 1 NIL NIL NIL NIL)"
                + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 133 " + USER_ENVELOPE
                + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL NIL) 6 NIL NIL NIL NIL)"
                + " \"MIXED\" (\"BOUNDARY\" \"foo bar\") NIL NIL NIL)", m.bodyStructure());
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 17 1)"
                + "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 133 " + USER_ENVELOPE
                + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1) 6) \"MIXED\")", m.body());
    }

    @Test
    void encapsulatedMessageWithIdAndDescription() throws IOException {
        MessageStructure m = parse(HEAD + "Content-Type: multipart/mixed; boundary=\"foo bar\"\n\n" + String.format(ATTACHED,
                "Content-ID: <A.frop.example.com>\nContent-Description: Container message\n",
                "Content-ID: <B.frop.example.com>\nContent-Description: Forwarded\n"));
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") \"<A.frop.example.com>\" \"Container message\" \"7BIT\" 17 1"
                + " NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL \"<B.frop.example.com>\" \"Forwarded\" \"7BIT\" 133 "
                + USER_ENVELOPE + " (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL NIL) 6"
                + " NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"foo bar\") NIL NIL NIL)", m.bodyStructure());
    }

    @Test
    void flowedTextAndBase64Image() throws IOException {
        String lorem = "Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Aenean commodo\n"
                + "ligula eget dolor. Aenean massa. Cum sociis natoque penatibus et magnis dis\n"
                + "parturient montes, nascetur ridiculus mus. Donec quam felis, ultricies nec,\n"
                + "pellentesque eu, pretium quis, sem. Nulla consequat massa quis enim. Donec\n"
                + "pede justo, fringilla vel, aliquet nec, vulputate eget, arcu. In enim justo,\n"
                + "rhoncus ut, imperdiet a, venenatis vitae, justo. Nullam dictum felis eu pede\n"
                + "mollis pretium. Integer tincidunt. Cras dapibus. Vivamus elementum semper\n"
                + "nisi. Aenean vulputate eleifend tellus. Aenean leo ligula, porttitor eu,\n"
                + "consequat vitae, eleifend ac, enim. Aliquam lorem ante, dapibus in, viverra\n"
                + "quis, feugiat a, tellus. Phasellus viverra nulla ut metus varius laoreet.\n"
                + "Quisque rutrum. Aenean imperdiet. Etiam ultricies nisi vel augue. Curabitur\n"
                + "ullamcorper ultricies nisi. Nam eget dui.\n";
        // Dovecot's pigeon.png: 17 base64 lines of 76 characters and a last one of 64 (1390 bytes with CRLF)
        StringBuilder png = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            png.append("A".repeat(76)).append('\n');
        }
        png.append("B".repeat(64)).append('\n');
        MessageStructure m = parse(HEAD + "Content-Type: multipart/mixed; boundary=\"foo bar\"\n\n--foo bar\n"
                + "Content-Type: text/plain; charset=us-ascii; format=\"flowed\";\n  delsp=\"no\"\nContent-Language: la\n\n"
                + lorem + "\n--foo bar\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"pigeon.png\"\n\n" + png + "--foo bar--\n");
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\" \"FORMAT\" \"flowed\" \"DELSP\" \"no\") NIL NIL \"7BIT\" 881 12"
                + " NIL NIL (\"LA\") NIL)(\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 1390 NIL (\"ATTACHMENT\" (\"FILENAME\""
                + " \"pigeon.png\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"foo bar\") NIL NIL NIL)", m.bodyStructure());
    }

    @Test
    void everyExtensionFieldPrologueEpilogueAndNestedAlternative() throws IOException {
        MessageStructure m = parse(HEAD.replace("2017", "2007") + "Content-Type: multipart/mixed; boundary=\"foo\n bar\"\n\n"
                + "Root MIME prologue\n\n--foo bar\n"
                + "Content-Type: text/x-myown; charset=us-ascii; foo=\"quoted\\\"string\"\n"
                + "Content-ID: <foo@example.com>\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
                + "Content-Disposition: inline; foo=bar\nContent-Description: hellodescription\n"
                + "Content-Language: en, fi, se\nContent-Location: http://example.com/test.txt\n\nhello\n\n"
                + "--foo bar\nContent-Type: message/rfc822\n\nFrom: sub@domain.org\n"
                + "To: sub-to1@domain.org, sub-to2@domain.org\nDate: Sun, 12 Aug 2012 12:34:56 +0300\nSubject: submsg\n"
                + "Content-Type: multipart/alternative; boundary=\"sub1\"\n\nSub MIME prologue\n--sub1\n"
                + "Content-Type: text/html\nContent-Transfer-Encoding: 8bit\n\n<p>Hello world</p>\n\n--sub1\n"
                + "Content-Type: text/plain\nContent-Transfer-Encoding: ?invalid\n\nHello another world\n\n--sub1--\n"
                + "Sub MIME epilogue\n\n--foo bar--\nRoot MIME epilogue\n");
        assertEquals("((\"TEXT\" \"X-MYOWN\" (\"CHARSET\" \"us-ascii\" \"FOO\" \"quoted\\\"string\") \"<foo@example.com>\""
                + " \"hellodescription\" \"7BIT\" 7 1 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"INLINE\" (\"FOO\" \"bar\"))"
                + " (\"EN\" \"FI\" \"SE\") \"http://example.com/test.txt\")(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 412"
                + " (\"Sun, 12 Aug 2012 12:34:56 +0300\" \"submsg\" ((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\""
                + " \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub-to1\" \"domain.org\")(NIL NIL"
                + " \"sub-to2\" \"domain.org\")) NIL NIL NIL NIL) ((\"TEXT\" \"HTML\" NIL NIL NIL \"8BIT\" 20 1 NIL NIL NIL NIL)"
                + "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 21 1 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"sub1\") NIL NIL"
                + " NIL) 21 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"foo bar\") NIL NIL NIL)", m.bodyStructure());
    }

    @Test
    void multipartWithoutPartsShowsOneEmptyTextPart() throws IOException {
        MessageStructure m = parse("Content-Type: multipart/mixed; boundary=\"foo\"\n\n");
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL) \"MIXED\""
                + " (\"BOUNDARY\" \"foo\") NIL NIL NIL)", m.bodyStructure());
        assertEquals("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0) \"MIXED\")", m.body());
    }

    @Test
    void imaptestEnvelopes() throws IOException {
        assertEquals("(\"Thu, 15 Feb 2007 01:02:03 +0200\" \"subject header\" ((\"From Real\" NIL \"fromuser\" \"fromdomain.org\"))"
                + " ((\"Sender Real\" NIL \"senderuser\" \"senderdomain.org\")) ((\"ReplyTo Real\" NIL \"replytouser\""
                + " \"replytodomain.org\")) ((\"To Real\" NIL \"touser\" \"todomain.org\")) ((\"Cc Real\" NIL \"ccuser\""
                + " \"ccdomain.org\")) ((\"Bcc Real\" NIL \"bccuser\" \"bccdomain.org\")) \"<reply@to.id>\" \"<msg@id>\")",
                parse("Message-ID: <msg@id>\nIn-Reply-To: <reply@to.id>\nDate: Thu, 15 Feb 2007 01:02:03 +0200\n"
                        + "Subject: subject header\nFrom: From Real <fromuser@fromdomain.org>\nTo: To Real <touser@todomain.org>\n"
                        + "Cc: Cc Real <ccuser@ccdomain.org>\nBcc: Bcc Real <bccuser@bccdomain.org>\n"
                        + "Sender: Sender Real <senderuser@senderdomain.org>\n"
                        + "Reply-To: ReplyTo Real <replytouser@replytodomain.org>\n\nbody\n").envelope());
        assertEquals("(\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((NIL NIL \"user\" \"domain\")) ((NIL NIL \"user\" \"domain\"))"
                + " ((NIL NIL \"user\" \"domain\")) NIL NIL NIL NIL NIL)",
                parse("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain\n\nbody\n").envelope());
        assertEquals("(\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real Name\" NIL"
                + " \"user\" \"domain\")) ((\"Real Name\" NIL \"user\" \"domain\")) ((NIL NIL \"group\" NIL)(NIL NIL \"g1\""
                + " \"d1.org\")(NIL NIL \"g2\" \"d2.org\")(NIL NIL NIL NIL)(NIL NIL \"group2\" NIL)(NIL NIL \"g3\" \"d3.org\")"
                + "(NIL NIL NIL NIL)) ((NIL NIL \"group\" NIL)(NIL NIL NIL NIL)(NIL NIL \"group2\" NIL)(NIL NIL NIL NIL))"
                + " NIL NIL NIL)",
                parse("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\n"
                        + "To: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\nCc: group:;, group2: (foo) ;\n\nbody\n")
                        .envelope());
        assertEquals("(\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real Name\" NIL"
                + " \"user\" \"domain\")) ((\"Real Name\" NIL \"user\" \"domain\")) NIL NIL NIL NIL NIL)",
                parse("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nSender: \nReply-To: \n\nbody\n")
                        .envelope());
        assertEquals("(\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((NIL \"@route\" \"user\" \"domain\")) ((NIL \"@route\" \"user\""
                + " \"domain\")) ((NIL \"@route\" \"user\" \"domain\")) NIL NIL NIL NIL NIL)",
                parse("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: <@route:user@domain>\n\nbody\n").envelope());
    }
}
