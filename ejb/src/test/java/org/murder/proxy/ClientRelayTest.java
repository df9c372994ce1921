package org.murder.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one place the relay rewrites a response: ESEARCH's correlator names the client's command, not the proxy's. */
class ClientRelayTest {

    @Test
    void esearchCorrelatorCarriesTheClientsTag() {
        assertEquals("* ESEARCH (TAG \"a7\") UID ALL 1:2\r\n",
                ClientRelay.retagEsearch("* ESEARCH (TAG \"P6\") UID ALL 1:2\r\n", "a7"));
        assertEquals("* ESEARCH (TAG \"x.1\") MIN 1 MAX 3 COUNT 3\r\n",
                ClientRelay.retagEsearch("* ESEARCH (TAG P6) MIN 1 MAX 3 COUNT 3\r\n", "x.1"));
        assertEquals("* esearch (tag \"a\")\r\n", ClientRelay.retagEsearch("* esearch (tag \"P1\")\r\n", "a"));
    }

    @Test
    void anEsearchWithoutCorrelatorIsLeftAlone() {
        assertEquals("* ESEARCH COUNT 0\r\n", ClientRelay.retagEsearch("* ESEARCH COUNT 0\r\n", "a7"));
    }
}
