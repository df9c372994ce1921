package org.murder.map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The master's map version: bumped by one for every change, so a gap in the stream is visible; and the map's epoch,
 * a random name given when the map's first row is made, so that a copy made from another map (the master's database
 * lost or reset, its versions counting from 0 again) is told apart from one merely behind.
 */
@Entity
@Table(name = "mupdate_map_version")
public class MapVersionEntity {

    public static final int ID = 1;

    @Id
    private int id = ID;

    @Column(nullable = false)
    private long version;

    @Column(length = 64)
    private String epoch;

    public long version() {
        return version;
    }

    public void version(long version) {
        this.version = version;
    }

    /** Empty on a row made before epochs existed. */
    public java.util.Optional<String> epoch() {
        return java.util.Optional.ofNullable(epoch);
    }

    public void epoch(String epoch) {
        this.epoch = epoch;
    }
}
