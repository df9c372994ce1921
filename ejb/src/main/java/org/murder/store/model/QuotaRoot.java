package org.murder.store.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A quota root: its internal name (usually a user's INBOX, {@code user.alice}), its limits in reported units
 * ({@link #UNLIMITED} when a resource has no limit) and its usage in counted units (bytes, messages).
 *
 * @param name              internal name of the root ({@code user.alice}, {@code shared}, or a domain root
 *                          {@code example.com!})
 * @param storageLimitKiB   STORAGE limit in KiB, or {@link #UNLIMITED}
 * @param messageLimit      MESSAGE limit, or {@link #UNLIMITED}
 * @param storageUsedBytes  bytes used under the root
 * @param messagesUsed      messages under the root
 */
public record QuotaRoot(String name, long storageLimitKiB, long messageLimit, long storageUsedBytes,
                        long messagesUsed) {

    /** Cyrus's {@code QUOTA_UNLIMITED}. */
    public static final long UNLIMITED = -1;

    public QuotaRoot {
        Objects.requireNonNull(name);
    }

    /** A root with limits and no usage yet. */
    public static QuotaRoot of(String name, long storageLimitKiB, long messageLimit) {
        return new QuotaRoot(name, storageLimitKiB, messageLimit, 0, 0);
    }

    /** The limit in reported units, or {@link #UNLIMITED}. */
    public long limit(QuotaResource resource) {
        long l = resource == QuotaResource.STORAGE ? storageLimitKiB : messageLimit;
        return l < 0 ? UNLIMITED : l;
    }

    /** Usage in counted units (bytes for STORAGE). */
    public long used(QuotaResource resource) {
        return resource == QuotaResource.STORAGE ? storageUsedBytes : messagesUsed;
    }

    /** Usage in reported units, rounded down as Cyrus prints it (1023 bytes are 0 KiB). */
    public long usage(QuotaResource resource) {
        return used(resource) / resource.unit();
    }

    public boolean isLimited(QuotaResource resource) {
        return limit(resource) >= 0;
    }

    /** The same root after adding (or, with negative numbers, removing) usage; never below zero. */
    public QuotaRoot withUsage(long deltaBytes, long deltaMessages) {
        return new QuotaRoot(name, storageLimitKiB, messageLimit,
                Math.max(0, storageUsedBytes + deltaBytes), Math.max(0, messagesUsed + deltaMessages));
    }

    /** One resource of a QUOTA response: name, usage and limit in reported units. */
    public record Usage(QuotaResource resource, long usage, long limit) {

        /** As in {@code STORAGE 10 512}. */
        @Override
        public String toString() {
            return resource.name() + " " + usage + " " + limit;
        }
    }

    /** The resources a QUOTA response lists: only limited ones, STORAGE before MESSAGE (as Cyrus prints). */
    public List<Usage> report() {
        List<Usage> out = new ArrayList<>(2);
        for (QuotaResource r : QuotaResource.values()) {
            if (isLimited(r)) {
                out.add(new Usage(r, usage(r), limit(r)));
            }
        }
        return out;
    }
}
