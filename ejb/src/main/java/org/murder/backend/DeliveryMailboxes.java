package org.murder.backend;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The mailboxes an LMTP recipient's mail may go to, by internal name: the folder its detail names (which must take
 * posts) and, for a user, the INBOX it falls back to (Cyrus's lmtpd: {@code user.alice.lists} if it exists and
 * accepts posts, else {@code user.alice}). One rule for a backend that delivers and a frontend that routes, so
 * both look for the same mailbox.
 *
 * @param folder the folder named by the detail (a user's sub-folder, or a shared folder); empty without a detail
 * @param inbox  the user's INBOX; empty for a shared folder
 */
public record DeliveryMailboxes(Optional<String> folder, Optional<String> inbox) {

    public DeliveryMailboxes {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(inbox, "inbox");
    }

    /** For a recipient's user (empty for a shared folder) and the folder names of its detail. */
    public static DeliveryMailboxes of(Optional<String> user, List<String> folders) {
        if (user.isEmpty()) {
            return new DeliveryMailboxes(folders.isEmpty() ? Optional.empty() : Optional.of(String.join(".", folders)),
                    Optional.empty());
        }
        String inbox = "user." + user.get().replace('.', '^');
        return new DeliveryMailboxes(folders.isEmpty() ? Optional.empty()
                : Optional.of(inbox + "." + String.join(".", folders)), Optional.of(inbox));
    }

    /** Names nothing (a shared-folder recipient without a folder). */
    public boolean isEmpty() {
        return folder.isEmpty() && inbox.isEmpty();
    }
}
