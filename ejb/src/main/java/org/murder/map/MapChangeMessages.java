package org.murder.map;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;

/**
 * The wire form of a {@link MailboxRecord} on the map topic. The server is also a message property,
 * so a subscriber interested in some backends only can select on it (Cyrus's PARTIAL-UPDATE).
 */
public final class MapChangeMessages {

    public static final String TOPIC = "java:/jms/murder/MailboxMapTopic";
    public static final String PROP_VERSION = "version";
    public static final String PROP_SERVER = "server";
    public static final String PROP_MAILBOX = "mailbox";
    /** The master map's epoch ({@link MailboxMap#epoch()}); absent from an older master's messages. */
    public static final String PROP_EPOCH = "epoch";

    private MapChangeMessages() {
    }

    public static void fill(MapMessage m, MailboxRecord r, String epoch) throws JMSException {
        m.setStringProperty(PROP_EPOCH, epoch);
        m.setStringProperty(PROP_MAILBOX, r.name());
        m.setStringProperty(PROP_SERVER, r.server());
        m.setLongProperty(PROP_VERSION, r.version());
        m.setString("name", r.name());
        m.setString("server", r.server());
        m.setString("partition", r.partition());
        m.setString("acl", r.acl());
        m.setString("kind", r.kind().name());
        m.setLong("version", r.version());
    }

    /** The epoch of the map that sent the message; empty when it names none. */
    public static String epoch(Message message) throws JMSException {
        String e = message.getStringProperty(PROP_EPOCH);
        return e == null ? "" : e;
    }

    public static MailboxRecord read(Message message) throws JMSException {
        MapMessage m = (MapMessage) message;
        return new MailboxRecord(m.getString("name"), m.getString("server"), m.getString("partition"),
                m.getString("acl"), MailboxKind.valueOf(m.getString("kind")), m.getLong("version"));
    }
}
