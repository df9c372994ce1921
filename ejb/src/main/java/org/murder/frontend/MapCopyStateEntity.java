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
