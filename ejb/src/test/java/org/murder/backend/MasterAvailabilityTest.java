package org.murder.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.murder.backend.MasterAvailability.Transition;

class MasterAvailabilityTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theFirstAnswerIsFirstContactAndLaterOnesChangeNothing() {
        MasterAvailability a = new MasterAvailability(Duration.ofSeconds(20));
        assertTrue(a.mayTry(T0), "a master never tried is tried");
        assertEquals(Transition.FIRST_CONTACT, a.reached(T0));
        assertEquals(Transition.NONE, a.reached(T0.plusSeconds(1)));
        assertFalse(a.down());
    }

    @Test
    void anUnreachableMasterFailsCallsAtOnceUntilTheRetryDelayHasPassed() {
        MasterAvailability a = new MasterAvailability(Duration.ofSeconds(20));
        a.reached(T0);
        assertEquals(Transition.LOST, a.lost("Connection refused", T0.plusSeconds(1)));
        assertEquals(Transition.NONE, a.lost("Connection refused", T0.plusSeconds(2)), "lost once, not at every failure");
        assertTrue(a.down());
        assertEquals(Optional.of(T0.plusSeconds(1)), a.downSince());
        assertEquals("Connection refused", a.why());
        assertFalse(a.mayTry(T0.plusSeconds(10)), "within the delay of the last try: fail at once");
        assertTrue(a.mayTry(T0.plusSeconds(22)), "past it: one call tries");
        assertFalse(a.mayTry(T0.plusSeconds(23)), "and the next ones wait for the delay again");
        assertEquals(Transition.RETURNED, a.reached(T0.plusSeconds(24)));
        assertTrue(a.mayTry(T0.plusSeconds(24)));
        assertEquals(Optional.empty(), a.downSince());
    }

    @Test
    void aMasterDownAtStartReturnsRatherThanBeingFirstContacted() {
        MasterAvailability a = new MasterAvailability(Duration.ofSeconds(1));
        assertEquals(Transition.LOST, a.lost("Connection refused", T0));
        assertFalse(a.everReached(), "not up yet: worth no warning");
        assertTrue(a.mayTry(T0.plusMillis(1)), "a master never reached is always tried: the murder is starting");
        assertEquals(Transition.RETURNED, a.reached(T0.plusSeconds(5)),
                "a backend that never reached the master pushes when it first does, as on any return");
    }
}
