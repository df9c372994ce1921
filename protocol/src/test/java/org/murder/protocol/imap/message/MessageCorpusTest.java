package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ENVELOPE, BODYSTRUCTURE and BODY of every corpus message, exactly. Expected values follow RFC 3501 §7.4.2 with
 * Cyrus's conventions (see {@link MessageStructure}); sizes and line counts were checked by hand against the files
 * (a part's body ends before the CRLF that precedes its delimiter, lines are LF bytes).
 */
class MessageCorpusTest {

    private static final String TERRY = "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))";
    private static final String ALICE = "((\"Alice Example\" NIL \"alice\" \"example.org\"))";

    static Stream<Arguments> corpus() {
        return Stream.of(
                Arguments.of("plain.eml", 397, 10,
                        // RFC 3501 §7.4.2's own example envelope
                        "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" " + TERRY + " "
                                + TERRY + " " + TERRY + " ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\""
                                + " \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL"
                                + " \"<B27397-0100000@cac.washington.edu>\")",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 55 1)"),
                Arguments.of("alternative.eml", 583, 23,
                        "(\"Mon, 7 Jul 2025 09:15:00 +0200\" \"Lunch\" " + ALICE + " " + ALICE + " " + ALICE
                                + " ((NIL NIL \"bob\" \"example.net\")) NIL NIL NIL \"<alt-1@example.org>\")",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 16 1 NIL NIL NIL NIL)(\"TEXT\" \"HTML\""
                                + " (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 56 1 NIL NIL NIL NIL) \"ALTERNATIVE\""
                                + " (\"BOUNDARY\" \"=_alt_boundary\") NIL NIL NIL)",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 16 1)(\"TEXT\" \"HTML\" (\"CHARSET\""
                                + " \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 56 1) \"ALTERNATIVE\")"),
                Arguments.of("mixed-attachment.eml", 1280, 30,
                        "(\"Tue, 1 Apr 2025 12:00:00 +0000\" \"Report attached\" ((NIL NIL \"carol\" \"example.com\"))"
                                + " ((NIL NIL \"carol\" \"example.com\")) ((NIL NIL \"carol\" \"example.com\")) ((NIL NIL"
                                + " \"dave\" \"example.com\")) NIL NIL NIL \"<mixed-1@example.com>\")",
                        // 512 bytes in 9 base64 lines of 76: 9 * 78 bytes, less the CRLF before the delimiter
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\" \"FORMAT\" \"flowed\") NIL NIL \"7BIT\" 34 1 NIL NIL NIL"
                                + " NIL)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"report.bin\") NIL NIL \"BASE64\" 700 NIL"
                                + " (\"ATTACHMENT\" (\"FILENAME\" \"report.bin\")) NIL NIL) \"MIXED\" (\"BOUNDARY\""
                                + " \"------------mixedB0undary\") NIL NIL NIL)",
                        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\" \"FORMAT\" \"flowed\") NIL NIL \"7BIT\" 34 1)"
                                + "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"report.bin\") NIL NIL \"BASE64\" 700) \"MIXED\")"),
                Arguments.of("nested-rfc822.eml", 789, 36,
                        "(\"Tue, 8 Jul 2025 10:00:00 +0200\" \"Fwd: Lunch\" ((\"Eve\" NIL \"eve\" \"example.org\"))"
                                + " ((\"Eve\" NIL \"eve\" \"example.org\")) ((\"Eve\" NIL \"eve\" \"example.org\")) ((\"Frank\""
                                + " NIL \"frank\" \"example.org\")) NIL NIL NIL \"<fwd-1@example.org>\")",
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 26 0 NIL NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL"
                                + " \"Forwarded message\" \"7BIT\" 410 (\"Mon, 7 Jul 2025 09:15:00 +0200\" \"Lunch\" " + ALICE
                                + " " + ALICE + " " + ALICE + " ((NIL NIL \"bob\" \"example.net\")) NIL NIL"
                                + " \"<q-0@example.net>\" \"<alt-1@example.org>\") ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\")"
                                + " NIL NIL \"7BIT\" 14 0 NIL NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL"
                                + " \"7BIT\" 21 0 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"inner\") NIL NIL NIL) 18 NIL"
                                + " NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"outer\") NIL NIL NIL)",
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 26 0)(\"MESSAGE\" \"RFC822\" NIL NIL \"Forwarded message\""
                                + " \"7BIT\" 410 (\"Mon, 7 Jul 2025 09:15:00 +0200\" \"Lunch\" " + ALICE + " " + ALICE + " "
                                + ALICE + " ((NIL NIL \"bob\" \"example.net\")) NIL NIL \"<q-0@example.net>\""
                                + " \"<alt-1@example.org>\") ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 14 0)"
                                + "(\"TEXT\" \"HTML\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 21 0) \"ALTERNATIVE\") 18)"
                                + " \"MIXED\")"),
                Arguments.of("quoted-printable.eml", 593, 17,
                        "(\"Fri, 3 Jan 2025 08:00:00 +0100\" \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" ((\"=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=\""
                                + " NIL \"joerg\" \"example.de\")) ((\"=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=\" NIL \"joerg\""
                                + " \"example.de\")) ((\"=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?=\" NIL \"joerg\" \"example.de\"))"
                                + " ((NIL NIL \"anna\" \"example.de\")) NIL NIL NIL \"<qp-1@example.de>\")",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") \"<part1.qp@example.de>\" \"Greeting\" \"QUOTED-PRINTABLE\""
                                + " 85 2 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"INLINE\" NIL) (\"DE\" \"EN-GB\")"
                                + " \"http://example.de/greeting.txt\")",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") \"<part1.qp@example.de>\" \"Greeting\" \"QUOTED-PRINTABLE\""
                                + " 85 2)"),
                Arguments.of("group-addresses.eml", 271, 9,
                        // Reply-To: <> gives Cyrus's ("" "unspecified-domain"); a source route goes to the adl
                        "(\"Thu, 15 Feb 2007 01:02:03 +0200\" \"groups\" ((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real"
                                + " Name\" NIL \"user\" \"domain\")) ((NIL NIL \"\" \"unspecified-domain\")) ((NIL NIL \"group\""
                                + " NIL)(NIL NIL \"g1\" \"d1.org\")(NIL NIL \"g2\" \"d2.org\")(NIL NIL NIL NIL)(NIL NIL \"group2\""
                                + " NIL)(NIL NIL \"g3\" \"d3.org\")(NIL NIL NIL NIL)) ((NIL NIL \"undisclosed-recipients\" NIL)"
                                + "(NIL NIL NIL NIL)) ((\"Smith, John\" \"@relay.example,@hop.example\" \"john\" \"example.com\")"
                                + "(NIL NIL \"localonly\" \"unspecified-domain\")) NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 6 1)"),
                Arguments.of("encoded-words.eml", 344, 8,
                        // RFC 2047 §8's examples: encoded words stay as written, folds are removed
                        "(\"Sat, 1 Feb 2025 00:00:00 -0500\" \"=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?="
                                + " =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=\" ((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\""
                                + " NIL \"PIRARD\" \"vm1.ulg.ac.be\")) ((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\" NIL \"PIRARD\""
                                + " \"vm1.ulg.ac.be\")) ((\"=?ISO-8859-1?Q?Andr=E9?= Pirard\" NIL \"PIRARD\" \"vm1.ulg.ac.be\"))"
                                + " ((\"=?US-ASCII?Q?Keith_Moore?=\" NIL \"moore\" \"cs.utk.edu\")) NIL NIL NIL"
                                + " \"<ew-1@vm1.ulg.ac.be>\")",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 41 1 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 41 1)"),
                Arguments.of("missing-headers.eml", 73, 4,
                        "(NIL \"no date, no from\" NIL NIL NIL NIL NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 28 1 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 28 1)"),
                Arguments.of("bare-lf.eml", 240, 15,
                        "(\"Sun, 2 Feb 2025 02:02:02 +0000\" \"bare LF\" ((NIL NIL \"lf\" \"example.org\")) ((NIL NIL \"lf\""
                                + " \"example.org\")) ((NIL NIL \"lf\" \"example.org\")) NIL NIL NIL NIL NIL)",
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 17 1 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" (\"CHARSET\""
                                + " \"iso-8859-1\") NIL NIL \"7BIT\" 11 0 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"lf\") NIL NIL"
                                + " NIL)",
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 17 1)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\") NIL NIL"
                                + " \"7BIT\" 11 0) \"MIXED\")"),
                Arguments.of("digest.eml", 193, 15,
                        "(NIL \"Digest\" ((NIL NIL \"list\" \"example.org\")) ((NIL NIL \"list\" \"example.org\")) ((NIL NIL"
                                + " \"list\" \"example.org\")) NIL NIL NIL NIL NIL)",
                        // a digest part without Content-Type is message/rfc822 (RFC 2046 §5.1.5)
                        "((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 42 (NIL \"one\" ((NIL NIL \"a\" \"example.org\")) ((NIL"
                                + " NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL) (\"TEXT\""
                                + " \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)"
                                + "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 13 0 NIL NIL NIL NIL) \"DIGEST\" (\"BOUNDARY\" \"d\")"
                                + " NIL NIL NIL)",
                        "((\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 42 (NIL \"one\" ((NIL NIL \"a\" \"example.org\")) ((NIL"
                                + " NIL \"a\" \"example.org\")) ((NIL NIL \"a\" \"example.org\")) NIL NIL NIL NIL NIL) (\"TEXT\""
                                + " \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 5 0) 3)(\"TEXT\" \"PLAIN\" NIL NIL NIL"
                                + " \"7BIT\" 13 0) \"DIGEST\")"),
                Arguments.of("rfc2231.eml", 325, 13,
                        "(NIL \"rfc2231\" ((NIL NIL \"x\" \"example.org\")) ((NIL NIL \"x\" \"example.org\")) ((NIL NIL \"x\""
                                + " \"example.org\")) NIL NIL NIL NIL NIL)",
                        // RFC 2231 §4.1's example, folded as Cyrus folds it (simple section percent-encoded)
                        "((\"APPLICATION\" \"X-STUFF\" (\"TITLE*\" \"us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun"
                                + "%2A%2A%2A%20isn%27t%20it!\") NIL NIL \"7BIT\" 4 NIL (\"ATTACHMENT\" (\"FILENAME\""
                                + " \"longname.txt\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL)",
                        "((\"APPLICATION\" \"X-STUFF\" (\"TITLE*\" \"us-ascii'en'This%20is%20even%20more%20%2A%2A%2Afun"
                                + "%2A%2A%2A%20isn%27t%20it!\") NIL NIL \"7BIT\" 4) \"MIXED\")"),
                Arguments.of("malformed.eml", 370, 18,
                        "(NIL \"malformed MIME\" ((NIL NIL \"broken\" \"example.org\")) ((NIL NIL \"broken\" \"example.org\"))"
                                + " ((NIL NIL \"broken\" \"example.org\")) NIL NIL NIL NIL NIL)",
                        // a multipart without boundary reads as text; a bad encoding is 7BIT; no close delimiter
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 0 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" (\"CHARSET\""
                                + " \"us-ascii\") NIL NIL \"7BIT\" 26 0 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 25"
                                + " 1 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"never-closed\") NIL NIL NIL)",
                        "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 0)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL"
                                + " \"7BIT\" 26 0)(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 25 1) \"MIXED\")"),
                Arguments.of("8bit-header.eml", 196, 7,
                        // raw UTF-8 in headers travels in literals (length in bytes)
                        "(\"Sat, 1 Mar 2025 10:00:00 +0100\" {17}\r\nGrüße aus Köln (({15}\r\nJürgen Müller NIL \"juergen\""
                                + " \"example.de\")) (({15}\r\nJürgen Müller NIL \"juergen\" \"example.de\")) (({15}\r\nJürgen"
                                + " Müller NIL \"juergen\" \"example.de\")) NIL NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"8BIT\" 10 1 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"8BIT\" 10 1)"),
                Arguments.of("empty-body.eml", 43, 3,
                        "(NIL \"empty\" ((NIL NIL \"empty\" \"example.org\")) ((NIL NIL \"empty\" \"example.org\")) ((NIL NIL"
                                + " \"empty\" \"example.org\")) NIL NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)"),
                Arguments.of("header-only.eml", 48, 1,
                        "(NIL \"no blank line\" ((NIL NIL \"nobody\" \"example.org\")) ((NIL NIL \"nobody\" \"example.org\"))"
                                + " ((NIL NIL \"nobody\" \"example.org\")) NIL NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)",
                        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 0 0)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void envelopeBodyStructureAndBody(String name, long size, long lines, String envelope, String bodyStructure,
                                      String body) {
        MessageStructure m = Corpus.parse(name);
        assertEquals(size, m.size(), "size");
        assertEquals(Corpus.bytes(name).length, m.size(), "size is the raw size");
        assertEquals(lines, m.lines(), "lines");
        assertEquals(envelope, m.envelope(), "ENVELOPE");
        assertEquals(bodyStructure, m.bodyStructure(), "BODYSTRUCTURE");
        assertEquals(body, m.body(), "BODY");
    }

    @org.junit.jupiter.api.Test
    void everyCorpusFileHasItsExpectations() throws java.io.IOException {
        java.util.Set<String> files;
        try (var list = java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/messages"))) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml"))
                    .collect(java.util.stream.Collectors.toSet());
        }
        assertEquals(files, java.util.Set.of(Corpus.NAMES));
        assertEquals(files, corpus().map(a -> (String) a.get()[0]).collect(java.util.stream.Collectors.toSet()));
    }
}
