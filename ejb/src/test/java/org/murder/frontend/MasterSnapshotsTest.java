package org.murder.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class MasterSnapshotsTest {

    @Test
    void theNodePresentsItsAdminCredentialsWithBasic() {
        // RFC 7617 section 2's example, and UTF-8 for the rest
        assertEquals("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", MasterSnapshots.basicAuthorization("Aladdin", "open sesame"));
        assertEquals("Basic dGVzdDoxMjPCow==", MasterSnapshots.basicAuthorization("test", "123\u00A3"));
        assertNull(MasterSnapshots.basicAuthorization("", ""), "no credentials configured: none sent");
    }
}
