package org.murder.lmtp;

import java.util.ArrayList;
import java.util.List;
import org.murder.protocol.lmtp.ReversePath;
import org.murder.store.Spool;

/** One LMTP connection's state, attached to the adapter's connection. */
final class LmtpSession {

    /** An accepted recipient: the address as given, and the mailbox its mail goes to. */
    record Rcpt(String address, long mailboxId, boolean ignoreQuota) {
    }

    String lhloHost;
    String user;
    boolean trusted;
    org.murder.protocol.sasl.SaslExchange sasl;
    ReversePath sender;
    final List<Rcpt> recipients = new ArrayList<>();
    Spool.TempWriter data;
    boolean dataFailed;

    boolean hasLhlo() {
        return lhloHost != null;
    }

    void resetTransaction() {
        sender = null;
        recipients.clear();
        closeData();
    }

    void closeData() {
        if (data != null) {
            data.close();
            data = null;
        }
        dataFailed = false;
    }
}
