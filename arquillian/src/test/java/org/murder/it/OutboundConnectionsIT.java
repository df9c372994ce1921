package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adapter's outbound connection factory is bound in JNDI when the EAR deploys and opens connections on the
 * non-blocking transport: looked up by the web module's diagnostic resource, it connects to the node's own IMAP port
 * and reads the greeting.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OutboundConnectionsIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return MurderNode.ear();
    }

    @Test
    void theFactoryFromJndiReadsTheImapGreeting() throws Exception {
        HttpResponse<String> r = MurderNode.get("/api/diagnostics/outbound/greeting?port=" + MurderNode.imapPort());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("* OK"), "the IMAP greeting: " + r.body());
    }
}
