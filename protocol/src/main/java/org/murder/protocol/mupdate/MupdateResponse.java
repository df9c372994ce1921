package org.murder.protocol.mupdate;

import java.util.List;
import java.util.Objects;

/** One line (with its literals) from a MUPDATE server, as read by {@link MupdateResponseParser}. */
public sealed interface MupdateResponse {

    enum Status { OK, NO, BAD }

    /** A banner capability: {@code * AUTH "PLAIN" "LOGIN"}, {@code * STARTTLS}, {@code * COMPRESS "DEFLATE"}, ... */
    record Capability(String name, List<String> args) implements MupdateResponse {
        public Capability {
            Objects.requireNonNull(name, "name");
            args = List.copyOf(args);
        }
    }

    /**
     * {@code * OK MUPDATE "servername" "product" "version" "mode"}; mode is {@code (master)} or
     * {@code mupdate://master-host} on a slave.
     */
    record Greeting(String servername, String product, String version, String mode) implements MupdateResponse {
        public static final String MASTER = "(master)";

        public Greeting {
            Objects.requireNonNull(servername, "servername");
            Objects.requireNonNull(product, "product");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(mode, "mode");
        }

        public boolean master() {
            return MASTER.equals(mode);
        }
    }

    record Bye(String text) implements MupdateResponse {
        public Bye {
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code tag MAILBOX name location acl}: an active mailbox. */
    record MailboxData(String tag, String name, Location location, String acl) implements MupdateResponse {
        public MailboxData {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(acl, "acl");
        }
    }

    /** {@code tag RESERVE name location}: a mailbox being created or moved. */
    record ReserveData(String tag, String name, Location location) implements MupdateResponse {
        public ReserveData {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(location, "location");
        }
    }

    /** {@code tag DELETE name}: only in an UPDATE stream, the mailbox is gone. */
    record DeleteData(String tag, String name) implements MupdateResponse {
        public DeleteData {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code tag OK|NO|BAD text}; the tag is {@code *} for Cyrus's untagged {@code * BAD "Need command"}. */
    record Completion(String tag, Status status, String text) implements MupdateResponse {
        public Completion {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(text, "text");
        }

        public boolean ok() {
            return status == Status.OK;
        }
    }

    /** {@code + text}, e.g. {@code + go ahead} after a synchronizing literal. */
    record Continuation(String text) implements MupdateResponse {
        public Continuation {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A bare line without a space: during AUTHENTICATE, Cyrus sends each SASL challenge as base64 with no
     * prefix (an empty line for an empty challenge).
     */
    record SaslChallengeLine(String base64) implements MupdateResponse {
        public SaslChallengeLine {
            Objects.requireNonNull(base64, "base64");
        }
    }
}
