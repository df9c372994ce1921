package org.murder.protocol.imap.response;

/** One resource of a QUOTA response (RFC 9208 §5.1): {@code STORAGE 10 512} (usage and limit; STORAGE in KiB). */
public record QuotaResource(String name, long usage, long limit) {

    public QuotaResource {
        if (!ImapStrings.isAtom(name) || usage < 0 || limit < 0) {
            throw new IllegalArgumentException("invalid quota resource " + name);
        }
    }
}
