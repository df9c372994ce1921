package org.murder.frontend;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Which master version the local copy reflects, and when it last resynchronised. */
@Entity
@Table(name = "frontend_map_state")
public class MapCopyStateEntity {

    public static final int ID = 1;

    @Id
    private int id = ID;

    @Column(nullable = false)
    private long appliedVersion;

    @Column(nullable = false)
    private long resyncs;

    /** Epoch milliseconds; 0 before the first resync. */
    private long lastResync;

    /** The epoch of the master's map the copy was made from (null before the first resync, or from a stream). */
    @Column(length = 64)
    private String masterEpoch;

    public String masterEpoch() {
        return masterEpoch == null ? "" : masterEpoch;
    }

    public void masterEpoch(String epoch) {
        this.masterEpoch = epoch == null || epoch.isEmpty() ? null : epoch;
    }

    public long appliedVersion() {
        return appliedVersion;
    }

    public void appliedVersion(long v) {
        this.appliedVersion = v;
    }

    public long resyncs() {
        return resyncs;
    }

    public void resynced(Instant when) {
        this.resyncs++;
        this.lastResync = when.toEpochMilli();
    }

    public Instant lastResync() {
        return lastResync == 0 ? null : Instant.ofEpochMilli(lastResync);
    }
}
