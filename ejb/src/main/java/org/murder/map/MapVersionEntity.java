package org.murder.map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The master's map version: bumped by one for every change, so a gap in the stream is visible. */
@Entity
@Table(name = "mupdate_map_version")
public class MapVersionEntity {

    public static final int ID = 1;

    @Id
    private int id = ID;

    @Column(nullable = false)
    private long version;

    public long version() {
        return version;
    }

    public void version(long version) {
        this.version = version;
    }
}
