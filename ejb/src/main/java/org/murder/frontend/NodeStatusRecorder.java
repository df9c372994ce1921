package org.murder.frontend;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.time.Instant;

/** Records what each frontend reports about its copy, for the console. */
@MessageDriven(name = "NodeStatusRecorder", activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = MapCopy.STATUS_QUEUE),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")
})
public class NodeStatusRecorder implements MessageListener {

    @EJB
    MapCopyStore store;

    @Override
    public void onMessage(Message message) {
        try {
            MapMessage m = (MapMessage) message;
            store.recordNodeStatus(new NodeStatus(m.getString("node"), m.getLong("appliedVersion"),
                    m.getLong("mailboxes"), Instant.ofEpochMilli(m.getLong("at"))));
        } catch (JMSException e) {
            throw new IllegalStateException("MURDER-COPY-005 unreadable node status message", e);
        }
    }
}
