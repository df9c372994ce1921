package org.murder.protocol.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3ResponsesTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void statusLines() {
        assertEquals("+OK\r\n", s(Pop3Responses.ok("")));
        assertEquals("+OK 2 320\r\n", s(Pop3Responses.ok("2 320")));
        assertEquals("-ERR No such message\r\n", s(Pop3Responses.err("No such message")));
        assertEquals("-ERR [IN-USE] Unable to lock maildrop\r\n", s(Pop3Responses.err("IN-USE", "Unable to lock maildrop")));
        assertEquals("+ \r\n", s(Pop3Responses.continuation("")));
        assertEquals("+ cj1h\r\n", s(Pop3Responses.continuation("cj1h")));
    }

    @Test
    void multiLineIsDotStuffedAndEnded() {
        assertEquals("+OK caps\r\nTOP\r\n..x\r\n.\r\n", s(Pop3Responses.multiLine("caps", List.of("TOP", ".x"))));
        assertEquals("+OK\r\n.\r\n", s(Pop3Responses.multiLine("", List.of())));
    }

    /** A name from the client echoed in an answer must not start a second response line. */
    @Test
    void textCannotInjectALine() {
        assertEquals("-ERR [AUTH] no bob  +OK x\r\n", s(Pop3Responses.err("AUTH", "no bob\r\n+OK x")));
        assertEquals("+OK a b\r\n", s(Pop3Responses.ok("a\nb")));
    }
}
