package org.murder.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendConnectionWordsTest {

    @Test
    void capabilityWordsAreUpperCasedInOrderWithoutEmptyOnes() {
        assertEquals(List.of("IMAP4REV1", "AUTH=PLAIN", "LITERAL+", "X-FOO"),
                List.copyOf(BackendConnection.words("  IMAP4rev1 AUTH=PLAIN\tliteral+  x-foo ")));
        assertEquals(Set.of(), BackendConnection.words(""));
        assertEquals(Set.of(), BackendConnection.words("   "));
        assertEquals(List.of("IDLE"), List.copyOf(BackendConnection.words("IDLE idle")));
    }
}
