package org.murder.protocol.imap.search;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchKeyModSeqTest {

    @Test
    void aModSeqCriterionIsFoundWhereverItIsNested() {
        SearchKey all = new SearchKey.All();
        SearchKey modSeq = new SearchKey.ModSeq(5);
        assertFalse(all.usesModSeq());
        assertTrue(modSeq.usesModSeq());
        assertTrue(new SearchKey.Not(modSeq).usesModSeq());
        assertTrue(new SearchKey.Or(all, modSeq).usesModSeq());
        assertTrue(new SearchKey.And(List.of(all, new SearchKey.Or(all, new SearchKey.Not(modSeq)))).usesModSeq());
        assertFalse(new SearchKey.And(List.of(all, new SearchKey.Or(all, new SearchKey.Not(all)))).usesModSeq());
    }
}
