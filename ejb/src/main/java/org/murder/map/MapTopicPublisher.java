package org.murder.map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Topic;
import java.util.List;

/**
 * Publishes the master's committed map changes on the topic, in version order, one local JMS transaction a batch,
 * as non-persistent messages.
 * Called only under the master's write lock (one thread at a time, so one context serves), after the database has
 * committed the batch: a frontend never hears of a change that was not committed. A change committed and then not
 * published (the broker failed, the process died in between) is not lost to the frontends: the next one they hear
 * skips a version, or their periodic check finds them behind the master, and they resynchronise from a snapshot.
 * (Publishing inside the database's transaction, as XA, cost five blocking broker round trips and two journal syncs
 * per change — most of a CREATE's time.)
 */
final class MapTopicPublisher implements AutoCloseable {

    private final ConnectionFactory factory;
    private final Topic topic;
    private final String epoch;
    private JMSContext context;

    MapTopicPublisher(ConnectionFactory factory, Topic topic, String epoch) {
        this.factory = factory;
        this.topic = topic;
        this.epoch = epoch;
    }

    void publish(List<MailboxRecord> changes) throws JMSException {
        if (changes.isEmpty()) {
            return;
        }
        try {
            if (context == null) {
                context = factory.createContext(JMSContext.SESSION_TRANSACTED);
            }
            // not persistent: a message is a state the copy can always get again from a snapshot, so the journal
            // sync a persistent one costs at each commit (milliseconds, per CREATE) buys nothing
            var producer = context.createProducer().setDeliveryMode(jakarta.jms.DeliveryMode.NON_PERSISTENT);
            for (MailboxRecord r : changes) {
                MapMessage m = context.createMapMessage();
                MapChangeMessages.fill(m, r, epoch);
                producer.send(topic, m);
            }
            context.commit();
        } catch (JMSException | JMSRuntimeException e) {
            close(); // a fresh context next time
            if (e instanceof JMSException j) {
                throw j;
            }
            JMSException wrapped = new JMSException(e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    @Override
    public void close() {
        if (context != null) {
            try {
                context.close();
            } catch (JMSRuntimeException ignored) {
                // closing a broken context
            }
            context = null;
        }
    }
}
