package org.murder.protocol.imap;

import java.util.Objects;
import java.util.Optional;

/**
 * A mailbox name as a command brought it: {@link Usable}, a name a mailbox can have (decoded, checked, {@code INBOX}
 * normalized), or {@link Unusable}, well-formed IMAP that no mailbox can have — modified UTF-7 that is not the
 * canonical encoding ({@code &Jjo}, {@code &AGE-}), 8-bit or control characters without UTF8=ACCEPT, the empty name.
 * RFC 3501 and 9051 keep BAD for syntax errors, and Cyrus 3.6 answers such names NO: they are names of mailboxes that
 * do not exist and cannot be created, kept as they came for a proxy to pass on.
 *
 * <p>Commands carry names as text ({@link #carried}): an unusable one as its wire form behind a lone low surrogate,
 * which no decoded name can hold (the modified UTF-7 decoder and strict UTF-8 both refuse one), so that it equals no
 * real name and cannot become an internal one by accident. {@link #of} reads that text back; only this type knows
 * the mark.
 */
public sealed interface MailboxName permits MailboxName.Usable, MailboxName.Unusable {

    /** A name some mailbox may have. */
    record Usable(String name) implements MailboxName {
        public Usable {
            Objects.requireNonNull(name, "name");
            if (!name.isEmpty() && name.charAt(0) == MARK) {
                throw new IllegalArgumentException("an unusable name is not a usable one");
            }
        }

        @Override
        public String carried() {
            return name;
        }

        @Override
        public Optional<String> utf7() {
            return Optional.of(MailboxNames.encodeUtf7(name));
        }

        @Override
        public String wire(boolean utf8Accept) {
            return utf8Accept ? name : MailboxNames.encodeUtf7(name);
        }
    }

    /** A name no mailbox can have, as the client sent it. */
    record Unusable(String wire) implements MailboxName {
        public Unusable {
            Objects.requireNonNull(wire, "wire");
        }

        @Override
        public String carried() {
            return MARK + wire;
        }

        @Override
        public Optional<String> utf7() {
            return Optional.empty();
        }

        @Override
        public String wire(boolean utf8Accept) {
            return wire; // as it came, whatever the encoding: for the server to refuse as it would from the client
        }
    }

    /** The mark an unusable name's text begins with. */
    char MARK = '\uDC00';

    /** The value of a name as a command carries it. */
    static MailboxName of(String carried) {
        return !carried.isEmpty() && carried.charAt(0) == MARK ? new Unusable(carried.substring(1)) : new Usable(carried);
    }

    /** The text a command carries for this name ({@link #of} reads it back). */
    String carried();

    /** The modified UTF-7 form, the first step to an internal name; empty when no mailbox can have the name. */
    Optional<String> utf7();

    /** The wire form: modified UTF-7 unless UTF8=ACCEPT is enabled; an unusable name's as it came. */
    String wire(boolean utf8Accept);
}
