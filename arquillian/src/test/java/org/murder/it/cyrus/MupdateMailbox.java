package org.murder.it.cyrus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A mailbox as a MUPDATE server reports it: {@code tag MAILBOX name location acl}, {@code tag RESERVE name
 * location} or (while streaming) {@code tag DELETE name}.
 *
 * @param tag      the response's tag (Cyrus tags every response with the command's tag)
 * @param kind     {@code MAILBOX}, {@code RESERVE} or {@code DELETE}
 * @param name     mailbox name, e.g. {@code user.alice}
 * @param location {@code server!partition} (may be {@code server!} for Cyrus' DELETED.* entries), {@code null}
 *                 for DELETE
 * @param acl      the ACL string {@code id<TAB>rights<TAB>...}, {@code null} unless MAILBOX
 */
public record MupdateMailbox(String tag, String kind, String name, String location, String acl) {

    static Optional<MupdateMailbox> of(MupdateTest.Response r) {
        switch (r.keyword()) {
            case "MAILBOX":
                return r.args().size() == 3
                        ? Optional.of(new MupdateMailbox(r.tag(), "MAILBOX", r.args().get(0), r.args().get(1), r.args().get(2)))
                        : Optional.empty();
            case "RESERVE":
                return r.args().size() == 2
                        ? Optional.of(new MupdateMailbox(r.tag(), "RESERVE", r.args().get(0), r.args().get(1), null))
                        : Optional.empty();
            case "DELETE":
                return r.args().size() == 1
                        ? Optional.of(new MupdateMailbox(r.tag(), "DELETE", r.args().get(0), null, null))
                        : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    /** The part of the location before {@code !}. */
    public String server() {
        if (location == null) {
            return null;
        }
        int i = location.indexOf('!');
        return i < 0 ? location : location.substring(0, i);
    }

    /** The part of the location after {@code !} (may be empty). */
    public String partition() {
        if (location == null) {
            return null;
        }
        int i = location.indexOf('!');
        return i < 0 ? "" : location.substring(i + 1);
    }

    /** The ACL as identifier to rights, in order. */
    public Map<String, String> aclMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (acl == null) {
            return m;
        }
        String[] parts = acl.split("\t");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            m.put(parts[i], parts[i + 1]);
        }
        return m;
    }
}
