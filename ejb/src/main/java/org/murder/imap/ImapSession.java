package org.murder.imap;

import java.util.HashSet;
import java.util.Set;
import javax.security.sasl.SaslServer;

/** One IMAP connection's state, attached to the adapter's connection. */
final class ImapSession {

    String user;
    boolean admin;
    SelectedMailbox selected;
    SaslServer sasl;
    String saslTag;
    String idleTag;
    Runnable idlePush;
    final Set<String> enabled = new HashSet<>();

    boolean authenticated() {
        return user != null;
    }
}
