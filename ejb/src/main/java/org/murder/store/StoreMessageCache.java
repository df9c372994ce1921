package org.murder.store;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * What FETCH and SEARCH need of a message without reading its file: ENVELOPE and BODYSTRUCTURE as IMAP
 * wire text, computed once at delivery, the MIME section map for BODY[section], the headers
 * SEARCH looks at most, and what SORT and THREAD compare.
 */
@Entity
@Table(name = "store_message_cache")
public class StoreMessageCache {

    /** The {@link StoreMessage}'s id. */
    @Id
    private long messageId;

    @Lob
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    private String envelope;

    @Lob
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    private String bodyStructure;

    @Lob
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    private String body;

    /** The serialised section map (part → header/body offsets in the file). */
    @Lob
    @Basic(fetch = FetchType.LAZY)
    @Column(nullable = false)
    private String structure;

    @Column(length = 998)
    private String messageIdHeader;

    /**
     * {@link org.murder.protocol.imap.sort.SortFields}' stored form in rows written before {@link StoreSortKey} kept them
     * (null in those written before SORT existed, and in every newer row).
     */
    @Column(length = org.murder.protocol.imap.sort.SortFields.MAX_SERIALIZED)
    private String sortFields;

    protected StoreMessageCache() {
    }

    public StoreMessageCache(long messageId, MessageCacheData d) {
        this.messageId = messageId;
        this.envelope = d.envelope();
        this.bodyStructure = d.bodyStructure();
        this.body = d.body();
        this.structure = d.structure();
        this.messageIdHeader = d.messageIdHeader().isEmpty() ? null : truncate(d.messageIdHeader(), 998);
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }

    public MessageCacheData data() {
        return new MessageCacheData(envelope, bodyStructure, body, structure,
                messageIdHeader == null ? "" : messageIdHeader, sortFields == null ? "" : sortFields);
    }
}
