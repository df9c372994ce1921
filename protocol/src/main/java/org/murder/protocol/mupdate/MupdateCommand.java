package org.murder.protocol.mupdate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One MUPDATE command (RFC 3656 plus Cyrus's DEACTIVATE, PARTIAL-UPDATE host lists and COMPRESS), as parsed
 * by {@link MupdateCommandParser} and encoded by {@link MupdateCommandEncoder}.
 */
public sealed interface MupdateCommand {

    String tag();

    /**
     * {@code AUTHENTICATE mech [initial-response]}. The mechanism is upper-cased; the initial response is the
     * base64 text as sent ({@code =} standing for an empty response), decoded by the SASL layer.
     */
    record Authenticate(String tag, String mechanism, Optional<String> initialResponse) implements MupdateCommand {
        public Authenticate {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(initialResponse, "initialResponse");
        }
    }

    /** {@code ACTIVATE name location acl}: the mailbox is live at {@code location} with this ACL. */
    record Activate(String tag, String mailbox, Location location, String acl) implements MupdateCommand {
        public Activate {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(acl, "acl");
        }
    }

    /** {@code DEACTIVATE name location} (Cyrus, for XFER): an active mailbox goes back to reserved. */
    record Deactivate(String tag, String mailbox, Location location) implements MupdateCommand {
        public Deactivate {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(location, "location");
        }
    }

    /** {@code RESERVE name location}: first step of a create. */
    record Reserve(String tag, String mailbox, Location location) implements MupdateCommand {
        public Reserve {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(location, "location");
        }
    }

    record Delete(String tag, String mailbox) implements MupdateCommand {
        public Delete {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    record Find(String tag, String mailbox) implements MupdateCommand {
        public Find {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * {@code LIST [prefix]}: every entry, or those whose location starts with the prefix (a plain string
     * prefix such as {@code 127.0.0.11!}, not a {@link Location}).
     */
    record ListMailboxes(String tag, Optional<String> locationPrefix) implements MupdateCommand {
        public ListMailboxes {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(locationPrefix, "locationPrefix");
        }
    }

    /** {@code UPDATE [host ...]}: dump then stream; a non-empty host list is Cyrus's PARTIAL-UPDATE. */
    record Update(String tag, List<String> hosts) implements MupdateCommand {
        public Update {
            Objects.requireNonNull(tag, "tag");
            hosts = List.copyOf(hosts);
        }
    }

    record Noop(String tag) implements MupdateCommand {
        public Noop {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record Logout(String tag) implements MupdateCommand {
        public Logout {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record StartTls(String tag) implements MupdateCommand {
        public StartTls {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** {@code COMPRESS algorithm}; the algorithm is kept as sent (Cyrus compares it case-insensitively). */
    record Compress(String tag, String algorithm) implements MupdateCommand {
        public Compress {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(algorithm, "algorithm");
        }
    }
}
