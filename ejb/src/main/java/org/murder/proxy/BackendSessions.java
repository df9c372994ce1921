package org.murder.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The backend connections of one client session: at most one per backend, opened when the session first needs that
 * backend and kept until the session ends (as Cyrus's proxyd does), so a session's state there (its selected
 * mailbox, what it enabled) lasts as long as the client's.
 */
public final class BackendSessions {

    private final Map<String, BackendConnection> byServer = new LinkedHashMap<>();
    private boolean ended;

    /** The connection to {@code server}, opened by {@code opener} if there is none that still works. */
    public synchronized BackendConnection get(String server, Function<String, BackendConnection> opener) {
        if (ended) {
            throw new IllegalStateException("the session has ended");
        }
        String key = server.toLowerCase(Locale.ROOT);
        BackendConnection b = byServer.get(key);
        if (b == null || !b.usable()) {
            b = opener.apply(server);
            byServer.put(key, b);
        }
        return b;
    }

    public synchronized List<BackendConnection> open() {
        return byServer.values().stream().filter(BackendConnection::usable).toList();
    }

    /** The session is over: every backend connection is logged out and closed. */
    public void closeAll() {
        List<BackendConnection> all;
        synchronized (this) {
            ended = true;
            all = new ArrayList<>(byServer.values());
            byServer.clear();
        }
        all.forEach(BackendConnection::close);
    }
}
