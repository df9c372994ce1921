package org.murder.frontend;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.murder.map.MapChangeMessages;

/** Feeds the local map copy from the master's topic; one session, so versions arrive in order. */
@MessageDriven(name = "MapTopicSubscriber", activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = MapChangeMessages.TOPIC),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Topic"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
public class MapTopicSubscriber implements MessageListener {

    @EJB
    MapCopy copy;

    /**
     * No XA transaction around a message: the copy's own store commits each change, and the topic's messages are
     * states numbered by version, so a redelivered one is ignored and a lost one is a gap the copy repairs from a
     * snapshot. (The XA enlistment of every message cost five blocking broker round trips and two journal syncs.)
     */
    @Override
    @jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.NOT_SUPPORTED)
    public void onMessage(Message message) {
        try {
            copy.onChange(MapChangeMessages.read(message), message.getJMSTimestamp(), MapChangeMessages.epoch(message));
        } catch (JMSException e) {
            throw new IllegalStateException("MURDER-COPY-004 unreadable map change message", e);
        }
    }
}
