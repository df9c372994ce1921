package org.murder.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.murder.connector.api.Connection;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;

/**
 * Passes one proxied command's answer to the client as the backend wrote it (message bodies are not re-encoded or
 * held whole): untagged responses byte for byte, the tagged one under the client's tag; then lets the client's next
 * command go. A client that does not read stops the relay reading its backend until it has caught up.
 */
public class ClientRelay implements BackendReply {

    private final Connection client;
    private final String clientTag;
    private final BackendConnection backend;
    private final Predicate<ImapResponseHead> relayed;
    private final Consumer<ImapResponse> onTagged;
    private boolean relaying;
    /** An ESEARCH response being held whole, to give its correlator the client's tag; null otherwise. */
    private java.io.ByteArrayOutputStream esearch;
    /** Part of an untagged response has reached the client: a failure now leaves it mid-response. */
    private boolean midResponse;

    /**
     * @param relayed  which untagged responses reach the client (the others are dropped)
     * @param onTagged runs before the tagged answer is written and the client's next command may go: the session's
     *                 state follows the backend's answer (SELECT succeeded or not)
     */
    public ClientRelay(Connection client, String clientTag, BackendConnection backend,
                       Predicate<ImapResponseHead> relayed, Consumer<ImapResponse> onTagged) {
        this.client = client;
        this.clientTag = clientTag;
        this.backend = backend;
        this.relayed = relayed;
        this.onTagged = onTagged;
    }

    /** Everything but a BYE, which ends the backend's session and not the client's. */
    public static boolean allButBye(ImapResponseHead head) {
        return !head.untagged("BYE");
    }

    @Override
    public void untagged(ImapResponseHead head) {
        relaying = relayed.test(head);
        // ESEARCH and NO [NOUPDATE "tag"] name a command by its tag: held whole, to give them the client's
        esearch = relaying && (head.untagged("ESEARCH") || head.code().filter(c -> c.name().equals("NOUPDATE")).isPresent())
                ? new java.io.ByteArrayOutputStream(128) : null;
    }

    @Override
    public void untaggedEnd() {
        if (esearch != null) {
            client.write(retag(esearch.toString(StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
            esearch = null;
        }
        midResponse = false;
    }

    private static final java.util.regex.Pattern ESEARCH_CORRELATOR =
            java.util.regex.Pattern.compile("^(\\* ESEARCH \\(TAG )(\"[^\"]*\"|[^ )]+)\\)", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern NOUPDATE =
            java.util.regex.Pattern.compile("^(\\* NO \\[NOUPDATE )(\"[^\"]*\")\\]", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * The client's tag in an ESEARCH or NOUPDATE: a live result's update (RFC 5267 §4.3) names the command that asked for
     * it, which the backend connection remembers; anything else answers the command being relayed.
     */
    private String retag(String line) {
        java.util.regex.Matcher m = ESEARCH_CORRELATOR.matcher(line);
        java.util.regex.Matcher n = NOUPDATE.matcher(line);
        java.util.regex.Matcher found = m.find() ? m : n.find() ? n : null;
        if (found == null) {
            return line;
        }
        String backendTag = found.group(2).replace("\"", "");
        String tag = backend.clientTagOfLive(backendTag).orElse(clientTag);
        return found.group(1) + "\"" + tag + "\"" + line.substring(found.end(2));
    }

    /**
     * RFC 4731's {@code (TAG "…")} names the command an ESEARCH answers: the backend wrote the proxy's tag, the
     * client must read its own (an IMAP tag has no quote or backslash, so it goes in quotes as it is).
     */
    static String retagEsearch(String line, String clientTag) {
        java.util.regex.Matcher m = ESEARCH_CORRELATOR.matcher(line);
        return m.find() ? m.group(1) + "\"" + clientTag + "\")" + line.substring(m.end()) : line;
    }

    @Override
    public void bytes(ByteBuffer bytes) {
        if (!relaying) {
            return;
        }
        if (esearch != null) {
            byte[] part = new byte[bytes.remaining()];
            bytes.get(part);
            esearch.writeBytes(part);
            return;
        }
        midResponse = true;
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        client.write(copy);
        if (client.congested()) {
            backend.suspendReading();
            client.whenWritable(backend::resumeReading);
        }
    }

    @Override
    public void tagged(ImapResponse response) {
        try {
            onTagged.accept(response);
        } finally {
            client.write(response.retag(clientTag));
            client.releaseInput();
        }
    }

    @Override
    public void failed(String why) {
        try {
            onTagged.accept(null);
        } finally {
            if (midResponse) {
                // half a response (a literal cut short) cannot be followed by anything the client would read right
                client.close();
                return;
            }
            client.write((clientTag + " NO [UNAVAILABLE] " + why.replace('\r', ' ').replace('\n', ' ') + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            client.releaseInput();
        }
    }
}
