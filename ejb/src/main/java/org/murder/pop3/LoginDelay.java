package org.murder.pop3;

import java.time.Duration;
import java.time.Instant;

/**
 * Cyrus's {@code popminpoll} with {@code poppollpadding}: a maildrop's "last login" moves on at each QUIT, and a login
 * before it plus the minimum poll interval is refused ({@code -ERR [LOGIN-DELAY]}, RFC 2449). With a padding of
 * {@code p} the stamp moves by one interval per login from a floor {@code p} intervals back, so {@code p} logins may
 * come close together and the rate holds over time. Container-free.
 */
final class LoginDelay {

    private LoginDelay() {
    }

    /** Whether a login at {@code now} is too soon after the stamp {@code last}. */
    static boolean tooSoon(Instant last, Instant now, Duration minPoll) {
        return !minPoll.isZero() && last.plus(minPoll).isAfter(now);
    }

    /** The stamp a session that logged in at {@code login} leaves at QUIT. */
    static Instant afterQuit(Instant last, Instant login, Duration minPoll, int padding) {
        if (minPoll.isZero() || padding <= 1) {
            return login;
        }
        Instant floor = login.minus(minPoll.multipliedBy(padding));
        return last.isBefore(floor) ? floor.plus(minPoll) : last.plus(minPoll);
    }
}
