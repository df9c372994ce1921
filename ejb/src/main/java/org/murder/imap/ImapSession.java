package org.murder.imap;

import java.util.HashSet;
import java.util.Set;
import org.murder.protocol.sasl.AuthenticatingSaslServer;

/** One IMAP connection's state, attached to the adapter's connection. */
final class ImapSession {

    String user;
    boolean admin;
    SelectedMailbox selected;
    AuthenticatingSaslServer sasl;
    String saslTag;
    String idleTag;
    Runnable idlePush;
    final Set<String> enabled = new HashSet<>();

    boolean authenticated() {
        return user != null;
    }
}
