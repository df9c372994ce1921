package org.murder.connector.api;

/**
 * A long response written a part at a time, when the client has read what went before (a FETCH of many or large
 * messages): the transport asks for the next part only while the connection's queued output is below its
 * high-water mark, so a client that stops reading makes the server stop producing, and holds no thread while it
 * does. Commands the client sent after this one wait until the response is finished.
 */
public interface ResponseProducer {

    /**
     * Writes the next part through {@link Connection#write}; never called concurrently, always through the
     * endpoint ({@link ProtocolListener#onProduce}).
     *
     * @return true while more remains; false once the response (its completion included) is written
     */
    boolean produce(Connection connection);

    /** The connection went before the response was finished: release what the producer holds (open files). */
    void abandon();
}
