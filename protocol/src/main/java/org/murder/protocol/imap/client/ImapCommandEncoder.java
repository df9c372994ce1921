package org.murder.protocol.imap.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.murder.protocol.imap.ImapCommandParser;
import org.murder.protocol.imap.command.AppendMessage;
import org.murder.protocol.imap.command.Catenate;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.command.MessageLiteral;
import org.murder.protocol.imap.command.StoreMode;
import org.murder.protocol.imap.response.ImapDateTimes;

/**
 * Client side: a command value back into bytes the server (ours, or Cyrus) reads as the same command: the
 * inverse of {@link ImapCommandParser}, checked by round trips. Keywords in upper case, strings as atoms,
 * quoted strings or literals as {@link CommandWriter} judges safest, mailbox names in modified UTF-7 (UTF-8 under
 * UTF8=ACCEPT). A frontend rewrites tags, so every command can be encoded under another tag than its own.
 *
 * <p>Every check happens before the result exists: an {@link ImapEncodingException} means nothing was produced.
 */
public final class ImapCommandEncoder {

    private static final byte[] DONE = "DONE\r\n".getBytes(StandardCharsets.US_ASCII);

    private ImapCommandEncoder() {
    }

    public static EncodedCommand encode(ImapCommand command, ImapEncoding encoding) {
        return encode(command, command.tag(), encoding);
    }

    /** {@code command} under {@code tag} instead of its own, e.g. the tag a proxy uses towards its backend. */
    public static EncodedCommand encode(ImapCommand command, String tag, ImapEncoding encoding) {
        if (!ImapCommandParser.isTag(tag)) {
            throw new ImapEncodingException("Invalid tag: " + CommandWriter.printable(tag));
        }
        CommandWriter w = new CommandWriter(tag, encoding);
        w.raw(tag).sp();
        if (command instanceof ImapCommand.AnyState c) {
            anyState(w, c);
        } else if (command instanceof ImapCommand.NotAuthenticated c) {
            notAuthenticated(w, c);
        } else if (command instanceof ImapCommand.Authenticated c) {
            if (!MailboxCommandEncoder.encode(w, c)) {
                authenticated(w, c);
            }
        } else {
            SelectedCommandEncoder.encode(w, (ImapCommand.Selected) command);
        }
        return w.finish();
    }

    /** The line that ends IDLE (RFC 2177). */
    public static byte[] idleDone() {
        return DONE.clone();
    }

    /**
     * One line of an AUTHENTICATE exchange: the base64 answer to a challenge, or {@code *} to cancel. Anything
     * else is refused, so that a SASL answer cannot smuggle a command.
     */
    public static byte[] authenticateLine(String base64OrStar) {
        if (!base64OrStar.equals("*") && !base64OrStar.matches("[A-Za-z0-9+/]*={0,2}")) {
            throw new ImapEncodingException("Invalid SASL response line");
        }
        return (base64OrStar + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void anyState(CommandWriter w, ImapCommand.AnyState command) {
        if (command instanceof ImapCommand.Capability) {
            w.raw("CAPABILITY");
        } else if (command instanceof ImapCommand.Noop) {
            w.raw("NOOP");
        } else if (command instanceof ImapCommand.Logout) {
            w.raw("LOGOUT");
        } else if (command instanceof ImapCommand.Id c) {
            w.raw("ID").sp();
            c.parameters().ifPresentOrElse(p -> id(w, p), () -> w.raw("NIL"));
        } else {
            throw unknown(command);
        }
    }

    private static void notAuthenticated(CommandWriter w, ImapCommand.NotAuthenticated command) {
        if (command instanceof ImapCommand.StartTls) {
            w.raw("STARTTLS");
        } else if (command instanceof ImapCommand.Login c) {
            w.raw("LOGIN").sp().astring(c.user()).sp().astring(c.password());
        } else if (command instanceof ImapCommand.Authenticate c) {
            w.raw("AUTHENTICATE").sp().atom(c.mechanism(), "SASL mechanism");
            c.initialResponse().ifPresent(r -> w.sp().atom(r, "initial response"));
        } else {
            throw unknown(command);
        }
    }

    /** The authenticated-state commands that are not about mailboxes as wholes. */
    private static void authenticated(CommandWriter w, ImapCommand.Authenticated command) {
        if (command instanceof ImapCommand.Idle) {
            w.raw("IDLE");
        } else if (command instanceof ImapCommand.Compress c) {
            w.raw("COMPRESS").sp().atom(c.mechanism(), "compression mechanism");
        } else if (command instanceof ImapCommand.Namespace) {
            w.raw("NAMESPACE");
        } else if (command instanceof ImapCommand.Enable c) {
            if (c.capabilities().isEmpty()) {
                throw new ImapEncodingException("ENABLE needs a capability");
            }
            w.raw("ENABLE");
            w.sp().spaced(c.capabilities(), cap -> w.atom(cap, "capability"));
        } else if (command instanceof ImapCommand.Append c) {
            w.raw("APPEND").sp().mailbox(c.mailbox());
            for (AppendMessage m : c.messages()) {
                w.sp();
                if (!m.flags().isEmpty()) {
                    flags(w, m.flags());
                    w.sp();
                }
                m.internalDate().ifPresent(d -> w.raw("\"" + ImapDateTimes.format(d) + "\"").sp());
                if (m.data() instanceof MessageLiteral literal) {
                    message(w, literal);
                } else {
                    w.raw("CATENATE").sp().list(((Catenate) m.data()).parts(), part -> {
                        if (part instanceof Catenate.Text text) {
                            message(w.raw("TEXT").sp(), text.text());
                        } else {
                            w.raw("URL").sp().astring(((Catenate.Url) part).url());
                        }
                    });
                }
            }
        } else {
            throw unknown(command);
        }
    }

    /** An APPEND's message or a CATENATE TEXT part: a literal, or a {@code literal8} for binary content. */
    private static void message(CommandWriter w, MessageLiteral message) {
        if (!message.binary() && message.containsNul()) {
            throw new ImapEncodingException("NUL in a message needs a literal8 (BINARY)");
        }
        if (message instanceof MessageLiteral.InFile file) {
            // streamed from the file by the sender: a large message is never read into memory here
            w.literal(new EncodedCommand.FileRegion(file.spilled().path(), 0, file.length()), file.binary());
        } else {
            MessageLiteral.InFrame bytes = (MessageLiteral.InFrame) message;
            w.literal(bytes.buffer(), bytes.binary());
        }
    }

    /** {@code (field value ...)}: fields are strings (never atoms) by RFC 2971's grammar. */
    private static void id(CommandWriter w, Map<String, String> parameters) {
        w.list(parameters.entrySet(), e -> w.string(e.getKey()).sp().string(e.getValue()));
    }

    static void flags(CommandWriter w, List<String> flags) {
        w.list(flags, w::flag);
    }

    /** The sign before STORE's FLAGS and SETACL's rights. */
    static String sign(StoreMode mode) {
        return mode == StoreMode.ADD ? "+" : mode == StoreMode.REMOVE ? "-" : "";
    }

    static ImapEncodingException unknown(ImapCommand command) {
        return new ImapEncodingException("Cannot encode " + command.getClass().getSimpleName());
    }
}
