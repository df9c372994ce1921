package org.murder.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deadlines of what a frontend waits for from its backends, checked by one periodic {@link #sweep}: a deadline
 * cancelled is gone at once. (A scheduled task per command, as before, stayed in the executor's queue until its time
 * even when cancelled, and with it the whole session it would have failed: at a few hundred proxied sessions a second
 * and ten times {@code proxy_timeout}, that filled a frontend's heap.)
 */
public final class Deadlines {

    private static final Logger LOG = Logger.getLogger(Deadlines.class.getName());

    /** One armed deadline; {@link #cancel} when what it waited for has come. */
    public final class Deadline {
        private final long dueNanos;
        private final Runnable onExpiry;

        private Deadline(long dueNanos, Runnable onExpiry) {
            this.dueNanos = dueNanos;
            this.onExpiry = onExpiry;
        }

        public void cancel() {
            armed.remove(this);
        }
    }

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final LongSupplier nanoClock;

    public Deadlines() {
        this(System::nanoTime);
    }

    Deadlines(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** {@code onExpiry} runs at the first sweep past {@code after} from now, unless cancelled before. */
    public Deadline arm(Duration after, Runnable onExpiry) {
        Deadline d = new Deadline(nanoClock.getAsLong() + after.toNanos(), onExpiry);
        armed.add(d);
        return d;
    }

    /** Runs (on the calling thread) what every deadline past due was armed with; how many ran. */
    public int sweep() {
        long now = nanoClock.getAsLong();
        List<Deadline> due = new ArrayList<>();
        for (Deadline d : armed) {
            if (now - d.dueNanos >= 0 && armed.remove(d)) {
                due.add(d);
            }
        }
        for (Deadline d : due) {
            try {
                d.onExpiry.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "MURDER-PROXY-009 a deadline's action failed", e);
            }
        }
        return due.size();
    }

    /** Deadlines armed and neither cancelled nor run yet. */
    public int armed() {
        return armed.size();
    }
}
