package org.murder.protocol.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.murder.protocol.imap.command.SortCriterion;

class SortWarmUpTest {

    @Test
    void everyKeyIsSortedBothWaysOverEveryMessage() {
        assertEquals(2L * SortCriterion.Key.values().length * 500, SortWarmUp.run(500));
    }
}
