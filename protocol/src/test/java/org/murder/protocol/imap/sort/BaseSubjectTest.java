package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 5256 §2.1, step by step; the second column is the base subject, the third whether it is a reply or forward. */
class BaseSubjectTest {

    @ParameterizedTest(name = "[{0}] -> [{1}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "hello|HELLO|false",
        "''|''|false",
        "'  hello   world  '|HELLO WORLD|false",
        "'hello\tworld'|HELLO WORLD|false",
        // step 2: subj-trailer
        "hello (fwd)|HELLO|true",
        "'hello (FWD) (fwd)  '|HELLO|true",
        "hello(fwd)|HELLO|true",
        "hello (fwd) x|HELLO (FWD) X|false",
        // step 3: subj-leader
        "Re: hello|HELLO|true",
        "RE: Re: re: hello|HELLO|true",
        "re[2]: hello|HELLO|true",
        "Re [2]: hello|HELLO|true",
        "Re : hello|HELLO|true",
        "Fwd: hello|HELLO|true",
        "FW: hello|HELLO|true",
        "fwd:hello|HELLO|true",
        "Re:|''|true",
        "Ref: hello|REF: HELLO|false",
        "Re hello|RE HELLO|false",
        "Fwdx: hello|FWDX: HELLO|false",
        "[a][b] Re: hello|HELLO|true",
        "[list] Re: [list] Re: hello|HELLO|true",
        // step 4: subj-blob, unless nothing would be left
        "[list] hello|HELLO|false",
        "[list]  [other] hello|HELLO|false",
        "[list]|[LIST]|false",
        "'[list]   '|[LIST]|false",
        "Re: [list]|[LIST]|true",
        "[a [b]] hello|[A [B]] HELLO|false",
        "[unclosed hello|[UNCLOSED HELLO|false",
        // step 6: subj-fwd-hdr and subj-fwd-trl, then again from step 2
        "[fwd: hello]|HELLO|true",
        "[Fwd: Re: hello (fwd)]|HELLO|true",
        "Re: [fwd: hello]|HELLO|true",
        "[FWD: [fwd: hello]]|HELLO|true",
        "[fwd: hello] x|X|false",
        // i;ascii-casemap: only a-z are folded
        "Re: Grüße|GRüßE|true",
    })
    void baseSubject(String subject, String base, boolean replyOrForward) {
        assertEquals(new BaseSubject(base, replyOrForward), BaseSubject.of(subject));
    }
}
