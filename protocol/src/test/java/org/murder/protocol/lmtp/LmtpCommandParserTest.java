package org.murder.protocol.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.murder.protocol.lmtp.LmtpCaptures.ClientPart;
import org.murder.protocol.lmtp.LmtpCaptures.Command;
import org.murder.protocol.lmtp.LmtpCommand.Auth;
import org.murder.protocol.lmtp.LmtpCommand.Data;
import org.murder.protocol.lmtp.LmtpCommand.Ehlo;
import org.murder.protocol.lmtp.LmtpCommand.Helo;
import org.murder.protocol.lmtp.LmtpCommand.Lhlo;
import org.murder.protocol.lmtp.LmtpCommand.Mail;
import org.murder.protocol.lmtp.LmtpCommand.Noop;
import org.murder.protocol.lmtp.LmtpCommand.Quit;
import org.murder.protocol.lmtp.LmtpCommand.Rcpt;
import org.murder.protocol.lmtp.LmtpCommand.Rset;
import org.murder.protocol.lmtp.LmtpCommand.StartTls;
import org.murder.protocol.lmtp.LmtpCommand.Vrfy;
import org.murder.protocol.testing.Transcripts.Connection;

class LmtpCommandParserTest {

    private static LmtpCommand parsed(String line) {
        LmtpParseResult result = LmtpCommandParser.parse(line);
        assertInstanceOf(LmtpParseResult.Parsed.class, result, () -> line + " -> " + result);
        return ((LmtpParseResult.Parsed) result).command();
    }

    private static LmtpParseResult.Malformed refused(String line) {
        LmtpParseResult result = LmtpCommandParser.parse(line);
        assertInstanceOf(LmtpParseResult.Malformed.class, result, () -> line + " -> " + result);
        return (LmtpParseResult.Malformed) result;
    }

    private static void assertRefused(String line, int code, String enhanced) {
        LmtpParseResult.Malformed m = refused(line);
        assertEquals(code + " " + enhanced, m.code() + " " + m.enhancedStatus(), () -> line + " -> " + m);
    }

    private static Map<String, String> params(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void everyCommandLineOfTheCapturesAndRfc2033Parses() {
        int commands = 0;
        for (Connection c : LmtpCaptures.all()) {
            for (ClientPart part : LmtpCaptures.clientParts(c)) {
                if (part instanceof Command command) {
                    parsed(command.line());
                    commands++;
                }
            }
        }
        assertTrue(commands >= 59, "commands seen: " + commands);
    }

    @Test
    void whatCyrusAndItsClientsSend() {
        assertEquals(new Lhlo("client.example.test"), parsed("lhlo client.example.test"));
        assertEquals(new Lhlo("lmtpproxyd"), parsed("LHLO lmtpproxyd"));
        assertEquals(new Auth("PLAIN", Optional.of("AGN5cnVzAGN5cnVzLUZBS0UtcHc=")),
                parsed("AUTH PLAIN AGN5cnVzAGN5cnVzLUZBS0UtcHc="));
        assertEquals(new Mail(ReversePath.of(Address.of("tester", "example.test")), params("SIZE", "203")),
                parsed("mail FROM:<tester@example.test> size=203"));
        assertEquals(new Mail(ReversePath.of(Address.of("tester", "example.test")), params("AUTH", "<>")),
                parsed("MAIL FROM:<tester@example.test> AUTH=<>"));
        assertEquals(Rcpt.of(ForwardPath.of(Address.local("alice"))), parsed("rcpt TO:<alice>"));
        assertEquals(Rcpt.of(ForwardPath.of(Address.of("carol", "internal"))), parsed("RCPT TO:<carol@internal>"));
        assertEquals(new Data(), parsed("data"));
        assertEquals(new Rset(), parsed("RSET"));
        assertEquals(new Quit(), parsed("quit"));
        assertEquals(Mail.of(ReversePath.of(Address.of("chris", "bar.com"))), parsed("MAIL FROM:<chris@bar.com>"));
    }

    @Test
    void everyVerb() {
        assertEquals(new Helo("relay.example"), parsed("HELO relay.example"));
        assertEquals(new Ehlo("relay.example"), parsed("ehlo relay.example"));
        assertEquals(new Ehlo(""), parsed("EHLO"));
        assertEquals(new Noop(), parsed("NOOP"));
        assertEquals(new Noop(), parsed("noop anything at all"));
        assertEquals(new Vrfy("alice"), parsed("VRFY alice"));
        assertEquals(new Vrfy("Alice Smith <alice@x>"), parsed("vrfy Alice Smith <alice@x>"));
        assertEquals(new StartTls(), parsed("StartTLS"));
        assertEquals(new Auth("LOGIN", Optional.empty()), parsed("auth login"));
        assertEquals(new Auth("PLAIN", Optional.of("=")), parsed("AUTH PLAIN ="));
        assertEquals(new Auth("SCRAM-SHA-256", Optional.of("biwsbj11c2VyLHI9")), parsed("AUTH scram-sha-256 biwsbj11c2VyLHI9"));
    }

    @Test
    void spacesAreTakenLeniently() {
        assertEquals(new Data(), parsed("DATA  "));
        assertEquals(new Lhlo("a b"), parsed("LHLO   a b  "));
        assertEquals(Mail.of(ReversePath.NULL), parsed("MAIL FROM: <>"));
        assertEquals(new Mail(ReversePath.NULL, params("SIZE", "1", "BODY", "8BITMIME")),
                parsed("MAIL FROM:<>   SIZE=1  body=8bitmime "));
        assertEquals(new Auth("PLAIN", Optional.of("AA==")), parsed("AUTH  PLAIN   AA=="));
    }

    // --- paths

    @Test
    void nullSenderAndItsOpposite() {
        assertTrue(((Mail) parsed("MAIL FROM:<>")).from().isNull());
        assertRefused("RCPT TO:<>", 501, "5.1.3");
    }

    @Test
    void mailboxForms() {
        assertEquals(Address.of("john doe", "example.org"), rcpt("RCPT TO:<\"john doe\"@example.org>"));
        assertEquals(Address.of("a\"b\\c", "example.org"), rcpt("RCPT TO:<\"a\\\"b\\\\c\"@example.org>"));
        assertEquals(Address.of("alice", "example.org"), rcpt("RCPT TO:<\"alice\"@example.org>"));
        assertEquals(Address.of("user", "[192.0.2.1]"), rcpt("RCPT TO:<user@[192.0.2.1]>"));
        assertEquals(Address.of("user", "[IPv6:2001:db8::1]"), rcpt("RCPT TO:<user@[IPv6:2001:db8::1]>"));
        assertEquals(Address.local("Postmaster"), rcpt("RCPT TO:<Postmaster>"));
        assertEquals(Address.local("+shared.folder"), rcpt("RCPT TO:<+shared.folder>"));
        assertEquals(Address.of("bb+shared.folder", "example.org"), rcpt("RCPT TO:<bb+shared.folder@example.org>"));
        assertEquals(Address.of("Alice+Lists.Cyrus", "Example.ORG"), rcpt("RCPT TO:<Alice+Lists.Cyrus@Example.ORG>"));
        assertEquals(Address.of("o'brien!#$%&*/=?^_`{|}~-", "x.example"), rcpt("rcpt to:<o'brien!#$%&*/=?^_`{|}~-@x.example>"));
        // like Cyrus: dots anywhere in an unquoted local part
        assertEquals(Address.of("john..doe.", "x.example"), rcpt("RCPT TO:<john..doe.@x.example>"));
    }

    @Test
    void sourceRoutesAreReadAndDropped() {
        assertEquals(Address.of("user", "c.example"), rcpt("RCPT TO:<@a.example,@[192.0.2.7]:user@c.example>"));
        assertEquals(Address.of("user", "c.example"), rcpt("RCPT TO:<@a.example:user@c.example>"));
        assertEquals(ReversePath.of(Address.of("s", "d.example")), ((Mail) parsed("MAIL FROM:<@r.example:s@d.example>")).from());
    }

    private static Address rcpt(String line) {
        return ((Rcpt) parsed(line)).to().address();
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:tester@example.test                | 501 | 5.1.7",
        "MAIL FROM:<tester@example.test               | 501 | 5.1.7",
        "MAIL FROM:tester@example.test>               | 501 | 5.1.7",
        "MAIL FROM:<<tester@example.test>>            | 501 | 5.1.7",
        "MAIL FROM:<tester@example.test>x             | 501 | 5.1.7",
        "MAIL FROM:<tester@>                          | 501 | 5.1.7",
        "MAIL FROM:<@example.test>                    | 501 | 5.1.7",
        "MAIL FROM:<a b@example.test>                 | 501 | 5.1.7",
        "MAIL FROM:<a@b@example.test>                 | 501 | 5.1.7",
        "MAIL FROM:<a@-bad.example>                   | 501 | 5.1.7",
        "MAIL FROM:<a@bad-.example>                   | 501 | 5.1.7",
        "MAIL FROM:<a@bad..example>                   | 501 | 5.1.7",
        "MAIL FROM:<a@under_score.example>            | 501 | 5.1.7",
        "MAIL FROM:<a@[192.0.2.1>                     | 501 | 5.1.7",
        "MAIL FROM:<a@[]>                             | 501 | 5.1.7",
        "MAIL FROM:<\"unterminated@example.test>      | 501 | 5.1.7",
        "MAIL FROM:<\"\"@example.test>                | 501 | 5.1.7",
        "MAIL FROM:<@a.example,b.example:x@y.example> | 501 | 5.1.7",
        "MAIL FROM:<@a.example>                       | 501 | 5.1.7",
        "MAIL FROM:<(comment)a@example.test>          | 501 | 5.1.7",
        "MAIL TO:<a@example.test>                     | 501 | 5.5.4",
        "MAIL                                         | 501 | 5.5.4",
        "MAIL FROM                                    | 501 | 5.5.4",
        "MAIL FROM:                                   | 501 | 5.1.7",
        "RCPT TO:alice                                | 501 | 5.1.3",
        "RCPT TO:<alice                               | 501 | 5.1.3",
        "RCPT TO:<ali ce>                             | 501 | 5.1.3",
        "RCPT TO:<alice@>                             | 501 | 5.1.3",
        "RCPT FROM:<alice>                            | 501 | 5.5.4",
        "RCPT                                         | 501 | 5.5.4",
    })
    void malformedPaths(String line, int code, String enhanced) {
        assertRefused(line, code, enhanced);
    }

    @Test
    void nonAsciiAddressesAreRefusedAsRfc6531Says() {
        assertRefused("RCPT TO:<j\u00fcrgen@example.org>", 553, "5.6.7");
        assertRefused("MAIL FROM:<a@b\u00fccher.example>", 553, "5.6.7");
        assertRefused("RCPT TO:<\u00ff>", 553, "5.6.7");
    }

    // --- parameters

    @Test
    void mailParameters() {
        Mail mail = (Mail) parsed("MAIL FROM:<a@b.example> SIZE=4066 BODY=7bit AUTH=cyrus+2Badmin RET=hdrs ENVID=QQ+2B1");
        assertEquals(OptionalLong.of(4066), mail.size());
        assertEquals(Optional.of("7BIT"), mail.body());
        assertEquals(Optional.of("cyrus+admin"), mail.authorization());
        assertEquals(List.of("SIZE", "BODY", "AUTH", "RET", "ENVID"), List.copyOf(mail.params().keySet()));
        assertEquals("HDRS", mail.params().get("RET"));
        Mail bare = (Mail) parsed("MAIL FROM:<>");
        assertEquals(OptionalLong.empty(), bare.size());
        assertEquals(Optional.empty(), bare.body());
        assertEquals(Optional.empty(), bare.authorization());
        assertEquals(Optional.empty(), ((Mail) parsed("MAIL FROM:<> AUTH=<>")).authorization());
        assertEquals(OptionalLong.of(Long.MAX_VALUE), ((Mail) parsed("MAIL FROM:<> SIZE=99999999999999999999999")).size());
    }

    @Test
    void rcptParameters() {
        assertTrue(((Rcpt) parsed("RCPT TO:<alice> IGNOREQUOTA")).ignoreQuota());
        assertTrue(((Rcpt) parsed("RCPT TO:<alice> ignorequota")).ignoreQuota());
        assertEquals(false, ((Rcpt) parsed("RCPT TO:<alice>")).ignoreQuota());
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @CsvSource(delimiter = '|', value = {
        "MAIL FROM:<> SIZE                  | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=                 | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=12k              | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=-1               | 501 | 5.5.4",
        "MAIL FROM:<> BODY=BINARYMIME       | 501 | 5.5.4",
        "MAIL FROM:<> BODY                  | 501 | 5.5.4",
        "MAIL FROM:<> AUTH=+zz              | 501 | 5.5.4",
        "MAIL FROM:<> AUTH=a+2b             | 501 | 5.5.4",
        "MAIL FROM:<> RET=ALL               | 501 | 5.5.4",
        "MAIL FROM:<> ENVID=+               | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=1 SIZE=2         | 501 | 5.5.4",
        "MAIL FROM:<> size=1 SIZE=1         | 501 | 5.5.4",
        "MAIL FROM:<> =x                    | 501 | 5.5.4",
        "MAIL FROM:<> -X=1                  | 501 | 5.5.4",
        "MAIL FROM:<> X_Y=1                 | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=1=2              | 501 | 5.5.4",
        "MAIL FROM:<> SIZE=10 \u00e9        | 501 | 5.5.4",
        "MAIL FROM:<> SMTPUTF8              | 555 | 5.5.4",
        "MAIL FROM:<> X-UNKNOWN=1           | 555 | 5.5.4",
        "MAIL FROM:<> IGNOREQUOTA           | 555 | 5.5.4",
        "RCPT TO:<a> NOTIFY=NEVER           | 555 | 5.5.4",
        "RCPT TO:<a> ORCPT=rfc822;a@b       | 555 | 5.5.4",
        "RCPT TO:<a> SIZE=1                 | 555 | 5.5.4",
        "RCPT TO:<a> IGNOREQUOTA=1          | 501 | 5.5.4",
        "RCPT TO:<a> IGNOREQUOTA IGNOREQUOTA | 501 | 5.5.4",
    })
    void badParameters(String line, int code, String enhanced) {
        assertRefused(line, code, enhanced);
    }

    @Test
    void anUnsupportedParameterIsNamed() {
        assertEquals("Unsupported parameter X-UNKNOWN", refused("MAIL FROM:<> x-unknown=1").text());
    }

    // --- everything else that is wrong

    @ParameterizedTest(name = "[{index}] <{0}>")
    @CsvSource(delimiter = '|', value = {
        "''                          | 500 | 5.5.2",
        "'   '                       | 500 | 5.5.2",
        "FOO                         | 500 | 5.5.2",
        "MAILFROM:<a>                | 500 | 5.5.2",
        "BDAT 10 LAST                | 500 | 5.5.2",
        "ETRN example.org            | 500 | 5.5.2",
        "LHLO                        | 501 | 5.5.4",
        "VRFY                        | 501 | 5.5.4",
        "DATA now                    | 501 | 5.5.4",
        "RSET x                      | 501 | 5.5.4",
        "QUIT please                 | 501 | 5.5.4",
        "STARTTLS x                  | 501 | 5.5.4",
        "AUTH                        | 501 | 5.5.4",
        "AUTH PLAIN a b              | 501 | 5.5.4",
        "AUTH PL@IN                  | 501 | 5.5.4",
        "AUTH ABCDEFGHIJKLMNOPQRSTU  | 501 | 5.5.4",
        "AUTH PLAIN not-base64!      | 501 | 5.5.2",
        "AUTH PLAIN ===              | 501 | 5.5.2",
        "AUTH PLAIN A===             | 501 | 5.5.2",
    })
    void malformedCommands(String line, int code, String enhanced) {
        assertRefused(line, code, enhanced);
    }

    @Test
    void controlCharactersAnywhereAreRefused() {
        for (String line : List.of("NOOP\0", "\0", "DA\0TA", "RCPT TO:<a\0b>", "LHLO a\tb", "MAIL FROM:<a>\r", "QUIT\n",
                "NOOP \u001b[31m", "NOOP \u007f")) {
            assertRefused(line, 500, "5.5.2");
        }
    }

    @Test
    void eightBitOutsideAPathIsRefused() {
        for (String line : List.of("LHLO h\u00f6st", "N\u00d6OP", "\u00ffDATA", "VRFY \u00e9", "AUTH PLAIN \u00e9",
                "ma\u0131l FROM:<a>", "QU\u0130T")) {
            assertRefused(line, 500, "5.5.2");
        }
    }

    @Test
    void helloFromSmtpIsParsedSoThatTheServerCanSayUseLhlo() {
        assertEquals(new Helo("mx.example"), parsed("HELO mx.example"));
        assertEquals(new Ehlo("mx.example"), parsed("EHLO mx.example"));
        assertEquals("500 5.5.1 Use LHLO in LMTP\r\n", new String(LmtpReplies.useLhlo(), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void malformedGivesAReplyValue() {
        LmtpParseResult.Malformed m = refused("DATA x");
        assertEquals(LmtpReply.of(501, "5.5.4", "Syntax error, no parameters allowed"), m.reply());
        assertEquals("501 5.5.4 Syntax error, no parameters allowed\r\n",
                new String(LmtpReplies.malformed(m), java.nio.charset.StandardCharsets.US_ASCII));
    }
}
