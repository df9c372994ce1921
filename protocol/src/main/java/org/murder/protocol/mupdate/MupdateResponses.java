package org.murder.protocol.mupdate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.murder.protocol.wire.WireWriter;

/**
 * Server side: every MUPDATE response as the exact bytes Cyrus 3.6 sends (CRLF included). Strings in data
 * responses are non-synchronizing literals ({@code {n+}}, n = UTF-8 byte length), human text is quoted.
 */
public final class MupdateResponses {

    private static final byte[] CONTINUATION = "+ go ahead\r\n".getBytes(StandardCharsets.US_ASCII);

    private MupdateResponses() {
    }

    /**
     * The connection banner, in Cyrus's order: {@code * AUTH} (bare when no mechanism is offered),
     * {@code * STARTTLS}, {@code * COMPRESS "DEFLATE"}, {@code * PARTIAL-UPDATE}, then
     * {@code * OK MUPDATE "servername" "product" "version" "(master)"}.
     *
     * @param masterUrlIfSlave used when {@code master} is false; {@code mupdate://} is prepended if missing
     */
    public static byte[] banner(List<String> saslMechs, boolean startTls, boolean compress, String servername,
                                String product, String version, boolean master, String masterUrlIfSlave) {
        WireWriter w = new WireWriter().raw("* AUTH");
        for (String mech : saslMechs) {
            w.sp().quoted(mech);
        }
        w.crlf();
        if (startTls) {
            w.raw("* STARTTLS").crlf();
        }
        if (compress) {
            w.raw("* COMPRESS ").quoted("DEFLATE").crlf();
        }
        w.raw("* PARTIAL-UPDATE").crlf();
        String mode = master ? MupdateResponse.Greeting.MASTER
                : masterUrlIfSlave.startsWith("mupdate://") ? masterUrlIfSlave : "mupdate://" + masterUrlIfSlave;
        return w.raw("* OK MUPDATE ").quoted(servername).sp().quoted(product).sp().quoted(version).sp().quoted(mode)
                .crlf().toByteArray();
    }

    public static byte[] mailbox(String tag, String name, Location location, String acl) {
        return new WireWriter().raw(checkTag(tag)).raw(" MAILBOX ").literal(name).sp().literal(location.wire()).sp()
                .literal(acl).crlf().toByteArray();
    }

    public static byte[] reserve(String tag, String name, Location location) {
        return new WireWriter().raw(checkTag(tag)).raw(" RESERVE ").literal(name).sp().literal(location.wire()).crlf()
                .toByteArray();
    }

    public static byte[] delete(String tag, String name) {
        return new WireWriter().raw(checkTag(tag)).raw(" DELETE ").literal(name).crlf().toByteArray();
    }

    public static byte[] ok(String tag, String text) {
        return completion(tag, "OK", text);
    }

    public static byte[] no(String tag, String text) {
        return completion(tag, "NO", text);
    }

    public static byte[] bad(String tag, String text) {
        return completion(tag, "BAD", text);
    }

    public static byte[] bye(String text) {
        return new WireWriter().raw("* BYE ").quoted(text).crlf().toByteArray();
    }

    public static byte[] continuation() {
        return CONTINUATION.clone();
    }

    /**
     * A SASL challenge: Cyrus's mupdate passes empty prefixes to its {@code saslserver()}, so the challenge
     * is the bare base64 text on its own line, and an empty challenge is an empty line.
     */
    public static byte[] saslChallenge(byte[] challenge) {
        return new WireWriter().raw(Base64.getEncoder().encodeToString(challenge)).crlf().toByteArray();
    }

    /** Encodes any response value; the inverse of {@link MupdateResponseParser#parse(byte[])}. */
    public static byte[] encode(MupdateResponse response) {
        if (response instanceof MupdateResponse.MailboxData m) {
            return mailbox(m.tag(), m.name(), m.location(), m.acl());
        } else if (response instanceof MupdateResponse.ReserveData r) {
            return reserve(r.tag(), r.name(), r.location());
        } else if (response instanceof MupdateResponse.DeleteData d) {
            return delete(d.tag(), d.name());
        } else if (response instanceof MupdateResponse.Completion c) {
            return completion(c.tag(), c.status().name(), c.text());
        } else if (response instanceof MupdateResponse.Bye b) {
            return bye(b.text());
        } else if (response instanceof MupdateResponse.Continuation c) {
            return new WireWriter().raw(c.text().isEmpty() ? "+" : "+ ").raw(safe(c.text())).crlf().toByteArray();
        } else if (response instanceof MupdateResponse.SaslChallengeLine s) {
            return new WireWriter().raw(safe(s.base64())).crlf().toByteArray();
        } else if (response instanceof MupdateResponse.Greeting g) {
            return new WireWriter().raw("* OK MUPDATE ").quoted(g.servername()).sp().quoted(g.product()).sp()
                    .quoted(g.version()).sp().quoted(g.mode()).crlf().toByteArray();
        } else if (response instanceof MupdateResponse.Capability c) {
            WireWriter w = new WireWriter().raw("* ").raw(c.name());
            c.args().forEach(a -> w.sp().quoted(a));
            return w.crlf().toByteArray();
        }
        throw new IllegalStateException("unknown response type " + response.getClass());
    }

    private static byte[] completion(String tag, String status, String text) {
        return new WireWriter().raw(checkTag(tag)).sp().raw(status).sp().quoted(text).crlf().toByteArray();
    }

    /** A tag is echoed from a parsed command; one that could break the line is a programming error. */
    private static String checkTag(String tag) {
        if (tag.isEmpty() || tag.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("not a tag: " + tag);
        }
        return tag;
    }

    /** Unquoted text must not break the line either. */
    private static String safe(String text) {
        return text.replace('\r', ' ').replace('\n', ' ').replace('\0', ' ');
    }
}
