package org.murder.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SortWarmUpServiceTest {

    @Test
    void theSearchAndDatesWarmUpSortsTheUnseenOfItsMadeUpMailboxAndNeedsNoKeys() {
        SortWarmUpService s = new SortWarmUpService();
        s.sorts = new SortCommands(); // no key cache: a made-up row without a sent date would fail here
        assertEquals(2000 - 667, s.searchAndDates(2000)); // every third is \\Seen
    }
}
