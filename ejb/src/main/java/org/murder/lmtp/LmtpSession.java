package org.murder.lmtp;

import java.util.ArrayList;
import java.util.List;
import org.murder.lmtp.proxy.ProxyTransaction;
import org.murder.protocol.lmtp.ReversePath;
import org.murder.store.Spool;

/** One LMTP connection's state, attached to the adapter's connection. */
final class LmtpSession {

    /**
     * A recipient this node delivers: the address as given, the mailbox its mail goes to, and its place among the
     * transaction's recipients when some are proxied ({@code -1} when none are).
     */
    record Rcpt(String address, long mailboxId, boolean ignoreQuota, int slot) {
    }

    String lhloHost;
    String user;
    boolean trusted;
    org.murder.protocol.sasl.SaslExchange sasl;
    ReversePath sender;
    final List<Rcpt> recipients = new ArrayList<>();
    Spool.TempWriter data;
    boolean dataFailed;
    /** On a frontend: the transaction's recipients on backends, and the order of all of them. */
    ProxyTransaction proxy;
    /** DATA went to the proxy (some recipients are on backends). */
    boolean proxying;

    boolean hasLhlo() {
        return lhloHost != null;
    }

    /** After the transaction's end (a proxied one finishes on its own: its replies may still be on their way). */
    void resetTransaction() {
        sender = null;
        recipients.clear();
        proxy = null;
        proxying = false;
        closeData();
    }

    /** The client gave the transaction up (RSET, LHLO, STARTTLS, QUIT, gone): backend connections go back too. */
    void abandonTransaction() {
        if (proxy != null) {
            proxy.abort();
        }
        resetTransaction();
    }

    void closeData() {
        if (data != null) {
            data.close();
            data = null;
        }
        dataFailed = false;
    }
}
