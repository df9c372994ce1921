package org.murder.protocol.imap.response;

/** The status word of a status response (RFC 3501 §7.1). A tagged response is OK, NO or BAD only. */
public enum ImapStatus {
    OK, NO, BAD, PREAUTH, BYE;

    boolean taggable() {
        return this == OK || this == NO || this == BAD;
    }
}
