package org.murder.map;

import java.time.Instant;
import java.util.Objects;

/**
 * A mailbox two backends both hold (seed 000's "Gotchyas"): the map keeps the location it had first and refuses the
 * other backend's ACTIVATE. Cyrus's master takes each ACTIVATE as it comes, so such a mailbox's location flaps
 * between the backends at every push; ours keeps the first and records the refused one here until it is resolved.
 *
 * @param mailbox  the mailbox's name
 * @param kept     the location the map keeps ({@code server!partition}, as it was at the first refusal)
 * @param refused  the location refused ({@code server!partition} of the second backend)
 * @param since    the first refusal
 * @param last     the latest refusal
 * @param refusals how many ACTIVATEs at the refused location were refused
 */
public record MailboxConflict(String mailbox, String kept, String refused, Instant since, Instant last, long refusals) {

    public MailboxConflict {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(kept, "kept");
        Objects.requireNonNull(refused, "refused");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(last, "last");
    }

    /** The refused backend's server name (a location's part before {@code !}). */
    public String refusedServer() {
        return server(refused);
    }

    public String keptServer() {
        return server(kept);
    }

    /** One conflict per mailbox and refused server: the key it is kept (and persisted) under. */
    public String key() {
        return key(mailbox, refusedServer());
    }

    static String key(String mailbox, String refusedServer) {
        // a server name never holds '!' (it separates server and partition in a location)
        return refusedServer + "!" + mailbox;
    }

    static String server(String location) {
        int bang = location.indexOf('!');
        return bang < 0 ? location : location.substring(0, bang);
    }

    MailboxConflict refusedAgain(Instant when) {
        return new MailboxConflict(mailbox, kept, refused, since, when, refusals + 1);
    }
}
