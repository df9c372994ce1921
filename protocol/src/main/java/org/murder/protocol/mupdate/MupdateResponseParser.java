package org.murder.protocol.mupdate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.murder.protocol.wire.WireReader;
import org.murder.protocol.wire.WireSyntaxException;

/**
 * Client side: reads one frame from a MUPDATE server. Liberal where Cyrus is inconsistent: completion text
 * may be quoted ({@code A01 OK "Authenticated"}) or bare ({@code S01 OK Begin TLS negotiation now}), and
 * response keywords are case-insensitive.
 */
public final class MupdateResponseParser {

    private MupdateResponseParser() {
    }

    /** @throws MupdateProtocolException when the frame fits no response form */
    public static MupdateResponse parse(byte[] frame) {
        try {
            return parseOrThrow(frame);
        } catch (WireSyntaxException e) {
            throw new MupdateProtocolException(e.getMessage() + ": " + preview(frame));
        }
    }

    private static MupdateResponse parseOrThrow(byte[] frame) throws WireSyntaxException {
        WireReader r = new WireReader(frame);
        if (r.peek() == '+' && (frame.length == 1 || frame[1] == ' ')) {
            r.word();
            r.skipSpace();
            return new MupdateResponse.Continuation(r.rest());
        }
        String first = r.word();
        if (!r.skipSpace()) {
            if (r.atEnd()) {
                return new MupdateResponse.SaslChallengeLine(first);
            }
            throw new WireSyntaxException("Unrecognized response");
        }
        if (first.isEmpty()) {
            throw new WireSyntaxException("Missing tag");
        }
        String keyword = r.word().toUpperCase(Locale.ROOT);
        return first.equals("*") ? untagged(keyword, r) : tagged(first, keyword, r);
    }

    private static MupdateResponse untagged(String keyword, WireReader r) throws WireSyntaxException {
        switch (keyword) {
            case "OK":
                if (r.skipSpace()) {
                    int mark = r.position();
                    if (r.word().equalsIgnoreCase("MUPDATE")) {
                        return greeting(r);
                    }
                    return new MupdateResponse.Completion("*", MupdateResponse.Status.OK, textFrom(r, mark));
                }
                return new MupdateResponse.Completion("*", MupdateResponse.Status.OK, "");
            case "NO":
            case "BAD":
                return new MupdateResponse.Completion("*", MupdateResponse.Status.valueOf(keyword), text(r));
            case "BYE":
                return new MupdateResponse.Bye(text(r));
            case "":
                throw new WireSyntaxException("Missing keyword");
            default:
                List<String> args = new ArrayList<>();
                while (r.skipSpace()) {
                    args.add(r.string());
                }
                end(r);
                return new MupdateResponse.Capability(keyword, args);
        }
    }

    private static MupdateResponse tagged(String tag, String keyword, WireReader r) throws WireSyntaxException {
        switch (keyword) {
            case "OK":
            case "NO":
            case "BAD":
                return new MupdateResponse.Completion(tag, MupdateResponse.Status.valueOf(keyword), text(r));
            case "BYE":
                return new MupdateResponse.Bye(text(r));
            case "MAILBOX": {
                String name = argument(r);
                Location location = Location.parse(argument(r));
                String acl = argument(r);
                end(r);
                return new MupdateResponse.MailboxData(tag, name, location, acl);
            }
            case "RESERVE": {
                String name = argument(r);
                Location location = Location.parse(argument(r));
                end(r);
                return new MupdateResponse.ReserveData(tag, name, location);
            }
            case "DELETE": {
                String name = argument(r);
                end(r);
                return new MupdateResponse.DeleteData(tag, name);
            }
            default:
                throw new WireSyntaxException("Unrecognized response");
        }
    }

    private static MupdateResponse.Greeting greeting(WireReader r) throws WireSyntaxException {
        String servername = argument(r);
        String product = argument(r);
        String version = argument(r);
        String mode = argument(r);
        end(r);
        return new MupdateResponse.Greeting(servername, product, version, mode);
    }

    private static String argument(WireReader r) throws WireSyntaxException {
        if (!r.skipSpace()) {
            throw new WireSyntaxException("Missing arguments");
        }
        return r.string();
    }

    private static void end(WireReader r) throws WireSyntaxException {
        if (!r.atEnd()) {
            throw new WireSyntaxException("Extra arguments");
        }
    }

    /** Human text after the keyword: one quoted string if that is all there is, otherwise the raw rest. */
    private static String text(WireReader r) throws WireSyntaxException {
        if (!r.skipSpace()) {
            end(r);
            return "";
        }
        return text(r.restBytes());
    }

    private static String textFrom(WireReader r, int mark) {
        return text(r.restBytesFrom(mark));
    }

    private static String text(byte[] rest) {
        if (rest.length > 0 && rest[0] == '"') {
            WireReader quoted = new WireReader(rest);
            try {
                String s = quoted.string();
                if (quoted.atEnd()) {
                    return s;
                }
            } catch (WireSyntaxException e) {
                // not one clean quoted string: keep the raw text
            }
        }
        // Human text only: a stray invalid byte must not make the whole response unreadable.
        return new String(rest, StandardCharsets.UTF_8);
    }

    private static String preview(byte[] frame) {
        String s = new String(frame, 0, Math.min(frame.length, 80), StandardCharsets.ISO_8859_1);
        return s.replace('\r', ' ').replace('\n', ' ');
    }
}
