package org.murder.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A mailbox this backend gave to another by a move (docs/moves.md), remembered for a while: a frontend whose map copy
 * still names this backend gets a 4xx for a delivery to it, not a 550.
 */
@Entity
@Table(name = "store_moved")
public class StoreMoved {

    @Id
    @Column(length = 1024)
    private String name;

    @Column(nullable = false, length = 512)
    private String location;

    /** Epoch milliseconds after which the record may go. */
    @Column(nullable = false)
    private long until;

    protected StoreMoved() {
    }

    public StoreMoved(String name, String location, long until) {
        this.name = name;
        this.location = location;
        this.until = until;
    }

    public String name() {
        return name;
    }

    public String location() {
        return location;
    }

    public long until() {
        return until;
    }
}
