package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A message's {@link org.murder.protocol.imap.sort.SortFields} in their stored form, in a narrow row of their own: the
 * first SORT or THREAD of a big mailbox reads them all, and read beside ENVELOPE and BODYSTRUCTURE in
 * {@link StoreMessageCache}'s wide rows the database decoded every column of every row (three times as long).
 * Rows written before this table existed keep theirs in {@code store_message_cache.sortFields}.
 */
@Entity
@Table(name = "store_sort_key")
public class StoreSortKey {

    /** The {@link StoreMessage}'s id. */
    @Id
    private long messageId;

    @Column(nullable = false, length = org.murder.protocol.imap.sort.SortFields.MAX_SERIALIZED)
    private String fields;

    protected StoreSortKey() {
    }

    public StoreSortKey(long messageId, String fields) {
        this.messageId = messageId;
        this.fields = fields;
    }

    public String fields() {
        return fields;
    }
}
