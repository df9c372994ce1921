package org.murder.routing;

import org.murder.protocol.mupdate.Location;

/**
 * Where a mailbox is served from, as this node sees it: the one question a command that names a mailbox asks
 * before it runs. A backend, a frontend and a unified node run the same commands; only the answer differs.
 */
public sealed interface Route permits Route.Local, Route.Remote, Route.Unknown, Route.Uncertain {

    /** This node's store holds it. */
    record Local() implements Route {
    }

    /** Another backend holds it: a proxied session there serves it. */
    record Remote(Location location) implements Route {
    }

    /** It certainly does not exist in the murder (a client hears NO, an MTA 5xx). */
    record Unknown() implements Route {
    }

    /** No certain answer now (a client hears NO [UNAVAILABLE], an MTA 4xx — never a bounce). */
    record Uncertain(String why) implements Route {
    }
}
