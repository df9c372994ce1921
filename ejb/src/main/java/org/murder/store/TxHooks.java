package org.murder.store;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** Work that waits for the transaction's outcome: files deleted after a commit, files unlinked after a rollback. */
public final class TxHooks {

    private TxHooks() {
    }

    public static void onCommit(TransactionSynchronizationRegistry tx, Runnable r) {
        after(tx, r, true);
    }

    public static void onRollback(TransactionSynchronizationRegistry tx, Runnable r) {
        after(tx, r, false);
    }

    private static void after(TransactionSynchronizationRegistry tx, Runnable r, boolean whenCommitted) {
        tx.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if ((status == Status.STATUS_COMMITTED) == whenCommitted) {
                    r.run();
                }
            }
        });
    }
}
