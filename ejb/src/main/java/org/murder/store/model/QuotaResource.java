package org.murder.store.model;

/**
 * The RFC 9208 quota resources our backends enforce, with the unit each is reported and limited in.
 * Cyrus counts storage in bytes and reports and limits it in units of 1024 octets ({@code QUOTA_UNITS}).
 */
public enum QuotaResource {
    /** Sum of message sizes; reported and limited in KiB. */
    STORAGE(1024),
    /** Number of messages. */
    MESSAGE(1);

    private final long unit;

    QuotaResource(long unit) {
        this.unit = unit;
    }

    /** How many counted units (bytes, messages) make one reported unit. */
    public long unit() {
        return unit;
    }
}
