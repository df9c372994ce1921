package org.murder.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each backend this frontend has logged in to announced, so the frontend offers only extensions every backend can
 * serve: a client told CONDSTORE at the frontend must find it on whichever backend its mailbox is on. The frontend's
 * own features (IDLE relayed, NAMESPACE, ID, ENABLE, LIST answered from the map, SASL) are not the backends' to limit.
 */
@ApplicationScoped
public class BackendCapabilities {

    /** Extensions a frontend only relays: they hold only where the backend has them. */
    static final Set<String> BACKEND_SERVED = Set.of("CONDSTORE", "ACL", "RIGHTS=KXTEN", "QUOTA", "QUOTA=RES-STORAGE",
            "QUOTA=RES-MESSAGE", "UIDPLUS", "MOVE", "ESEARCH", "BINARY", "SPECIAL-USE", "CREATE-SPECIAL-USE", "UNSELECT",
            "QRESYNC", "SORT", "SORT=DISPLAY", "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT", "ESORT", "MULTIAPPEND",
            "CATENATE", "SEARCHRES", "IMAP4REV2", "STATUS=SIZE", "CONTEXT=SEARCH", "CONTEXT=SORT");

    private final Map<String, Set<String>> byServer = new ConcurrentHashMap<>();

    public void learned(String server, Set<String> capabilities) {
        byServer.put(server.toLowerCase(Locale.ROOT), Set.copyOf(capabilities));
    }

    /** {@code ours} without the backend-served extensions some known backend lacks. */
    public List<String> filter(List<String> ours) {
        List<String> out = new ArrayList<>(ours.size());
        for (String cap : ours) {
            String upper = cap.toUpperCase(Locale.ROOT);
            if (!BACKEND_SERVED.contains(upper) || byServer.values().stream().allMatch(b -> b.contains(upper))) {
                out.add(cap);
            }
        }
        return out;
    }
}
