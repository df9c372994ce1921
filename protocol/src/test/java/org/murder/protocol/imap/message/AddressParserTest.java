package org.murder.protocol.imap.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Address lists as Cyrus's {@code parseaddr_list} reads them, written as ENVELOPE address lists. Most inputs are the
 * examples of RFC 5322 appendix A. Cyrus's quirks are kept on purpose (a Murder backend must answer like a Cyrus one):
 * whitespace inside a domain is dropped, a comment names the address only when nothing follows it.
 */
class AddressParserTest {

    private static String envelope(String header) {
        List<AddressParser.Address> list = AddressParser.parse(header);
        if (list.isEmpty()) {
            return "NIL";
        }
        return list.stream().map(a -> "(" + n(a.name()) + " " + n(a.adl()) + " " + n(a.mailbox()) + " " + n(a.host()) + ")")
                .collect(Collectors.joining("", "(", ")"));
    }

    private static String n(String s) {
        return s == null ? "NIL" : "\"" + s + "\"";
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "John Doe <jdoe@machine.example>|((\"John Doe\" NIL \"jdoe\" \"machine.example\"))",
        "'\"Joe Q. Public\" <john.q.public@example.com>'|((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\"))",
        "'Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>'|((\"Mary Smith\" NIL \"mary\" \"x.test\")(NIL NIL \"jdoe\" \"example.org\")(\"Who?\" NIL \"one\" \"y.test\"))",
        "'<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>'|((NIL NIL \"boss\" \"nil.test\")(\"Giant; \"Big\" Box\" NIL \"sysservices\" \"example.net\"))",
        "'A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;'|((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL))",
        "Undisclosed recipients:;|((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL))",
        "'\"Mary Smith: Personal Account\" <smith@home.example>'|((\"Mary Smith: Personal Account\" NIL \"smith\" \"home.example\"))",
        "'Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>'|((\"Pete\" NIL \"pete\" \"silly.test\"))",
        "'Chris Jones <c@(Chris''s host.)public.example>'|((\"Chris Jones\" NIL \"c\" \"public.example\"))",
        "'Joe Q. Public <john.q.public@example.com>'|((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\"))",
        "'=?UTF-8?B?w6lsw6hvbm9yZQ==?= <e@x.test>'|((\"=?UTF-8?B?w6lsw6hvbm9yZQ==?=\" NIL \"e\" \"x.test\"))",
        "user@domain (Real Name)|((\"Real Name\" NIL \"user\" \"domain\"))",
        "user@domain (Real Name) extra|((NIL NIL \"user\" \"domainextra\"))",
        "<@a.test,@b.test:user@c.test>|((NIL \"@a.test,@b.test\" \"user\" \"c.test\"))",
        "localpart|((NIL NIL \"localpart\" \"unspecified-domain\"))",
        "<>|((NIL NIL \"\" \"unspecified-domain\"))",
        "'grp: a@b.test'|((NIL NIL \"grp\" NIL)(NIL NIL \"a\" \"b.test\")(NIL NIL NIL NIL))",
        "x@[192.0.2.1]|((NIL NIL \"x\" \"[192.0.2.1]\"))",
        "x@EXAMPLE..com.|((NIL NIL \"x\" \"EXAMPLE.com\"))",
        "'a@b.test,,, c@d.test'|((NIL NIL \"a\" \"b.test\")(NIL NIL \"c\" \"d.test\"))",
        "'\"unterminated <a@b.test>'|NIL",
        "'   '|NIL",
        "''|NIL",
        "'Müller <m@ü.test>'|((\"Müller\" NIL \"m\" \"ü.test\"))",
    })
    void cyrusAddressLists(String header, String expected) {
        assertEquals(expected, envelope(header));
    }
}
