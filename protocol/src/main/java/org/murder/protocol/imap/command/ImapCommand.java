package org.murder.protocol.imap.command;

import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.murder.protocol.imap.SequenceSet;
import org.murder.protocol.imap.search.SearchKey;

/**
 * One IMAP4rev1 command (RFC 3501) or extension command, as parsed by
 * {@link org.murder.protocol.imap.ImapCommandParser}. Mailbox names are decoded Java strings (modified UTF-7
 * undone, {@code INBOX} normalised); flags keep the canonical case of system flags.
 *
 * <p>The state a command is valid in is its type (RFC 3501 §3): {@link AnyState}, {@link NotAuthenticated},
 * {@link Authenticated} (also valid when a mailbox is selected) and {@link Selected}.
 */
public sealed interface ImapCommand {

    String tag();

    /** Valid in every state: CAPABILITY, NOOP, LOGOUT, ID. */
    sealed interface AnyState extends ImapCommand {
    }

    /** Valid before authentication only: STARTTLS, AUTHENTICATE, LOGIN. */
    sealed interface NotAuthenticated extends ImapCommand {
    }

    /** Valid once authenticated, with or without a selected mailbox. */
    sealed interface Authenticated extends ImapCommand {
    }

    /** Valid only with a selected mailbox. */
    sealed interface Selected extends ImapCommand {
    }

    // --- any state

    record Capability(String tag) implements AnyState {
        public Capability {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record Noop(String tag) implements AnyState {
        public Noop {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record Logout(String tag) implements AnyState {
        public Logout {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /**
     * {@code ID (field value ...)} or {@code ID NIL} (RFC 2971): empty for NIL. Fields keep their order; a field
     * whose value is NIL is left out, a repeated field keeps its first value.
     */
    record Id(String tag, Optional<Map<String, String>> parameters) implements AnyState {
        public Id {
            Objects.requireNonNull(tag, "tag");
            parameters = parameters.map(p -> Collections.unmodifiableMap(new LinkedHashMap<>(p)));
        }
    }

    // --- not authenticated

    record StartTls(String tag) implements NotAuthenticated {
        public StartTls {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /**
     * {@code AUTHENTICATE mechanism [initial-response]}: the mechanism upper-cased, the SASL-IR initial response
     * (RFC 4959) as the base64 text sent ({@code =} for an empty one). The exchange's further lines are read by
     * the session, not by the parser.
     */
    record Authenticate(String tag, String mechanism, Optional<String> initialResponse) implements NotAuthenticated {
        public Authenticate {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mechanism, "mechanism");
            Objects.requireNonNull(initialResponse, "initialResponse");
        }

        /** Leaves the credentials out of logs. */
        @Override
        public String toString() {
            return "Authenticate[tag=" + tag + ", mechanism=" + mechanism
                    + (initialResponse.isPresent() ? ", initialResponse=<hidden>]" : "]");
        }
    }

    record Login(String tag, String user, String password) implements NotAuthenticated {
        public Login {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** Leaves the password out of logs. */
        @Override
        public String toString() {
            return "Login[tag=" + tag + ", user=" + user + ", password=<hidden>]";
        }
    }

    // --- authenticated

    /** {@code SELECT mailbox [(CONDSTORE) | (QRESYNC (...))]} (RFC 7162 §3.1.8, §3.2.5). */
    record Select(String tag, String mailbox, boolean condstore, Optional<QresyncParameters> qresync)
            implements Authenticated {
        public Select {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(qresync, "qresync");
        }

        public Select(String tag, String mailbox, boolean condstore) {
            this(tag, mailbox, condstore, Optional.empty());
        }
    }

    /** {@code EXAMINE mailbox [(CONDSTORE) | (QRESYNC (...))]}: SELECT read-only. */
    record Examine(String tag, String mailbox, boolean condstore, Optional<QresyncParameters> qresync)
            implements Authenticated {
        public Examine {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(qresync, "qresync");
        }

        public Examine(String tag, String mailbox, boolean condstore) {
            this(tag, mailbox, condstore, Optional.empty());
        }
    }

    /** {@code CREATE mailbox [(USE (\Sent ...))]}: special-use attributes from RFC 6154, canonical case. */
    /**
     * {@code CREATE mailbox [(USE (...))]} (RFC 6154), or Cyrus's {@code CREATE mailbox location} where an admin names
     * the partition, or in a murder {@code server!partition}, the mailbox is made on.
     */
    record Create(String tag, String mailbox, List<String> specialUse, Optional<String> location) implements Authenticated {
        public Create {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            specialUse = List.copyOf(specialUse);
            Objects.requireNonNull(location, "location");
        }

        public Create(String tag, String mailbox, List<String> specialUse) {
            this(tag, mailbox, specialUse, Optional.empty());
        }
    }

    record Delete(String tag, String mailbox) implements Authenticated {
        public Delete {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * {@code RENAME from to}, or Cyrus's {@code RENAME from to location} where an admin names the partition or, in a
     * murder, the {@code server!partition} the mailbox goes to (a move between backends when the names are equal).
     */
    record Rename(String tag, String from, String to, Optional<String> location) implements Authenticated {
        public Rename {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(location, "location");
        }

        public Rename(String tag, String from, String to) {
            this(tag, from, to, Optional.empty());
        }
    }

    // --- moving mailboxes between our backends (docs/moves.md); admins only, never relayed for a client

    /** {@code XPULL mailbox server partition}: the destination pulls {@code mailbox} from {@code server}. */
    record XPull(String tag, String mailbox, String server, String partition) implements Authenticated {
        public XPull {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(partition, "partition");
        }
    }

    /** What a move asks of its source backend: freeze, unfreeze (rollback) or release (remove after the switch). */
    enum MoveStep { FREEZE, UNFREEZE, RELEASE }

    /**
     * {@code XFREEZE mailbox move-id}, {@code XUNFREEZE mailbox move-id}, {@code XRELEASE mailbox move-id location}:
     * the source backend's part of a move; {@code location} ({@code server!partition}) only for RELEASE.
     */
    record XMoveStep(String tag, MoveStep step, String mailbox, String moveId, Optional<String> location)
            implements Authenticated {
        public XMoveStep {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(moveId, "moveId");
            Objects.requireNonNull(location, "location");
        }
    }

    record Subscribe(String tag, String mailbox) implements Authenticated {
        public Subscribe {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    record Unsubscribe(String tag, String mailbox) implements Authenticated {
        public Unsubscribe {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * {@code LIST [(selection)] reference pattern|(patterns) [RETURN (options)]} (RFC 3501, RFC 5258, RFC 5819
     * STATUS, RFC 6154 SPECIAL-USE). Reference and patterns are decoded but keep their case and wildcards;
     * {@code statusItems} is non-empty exactly when {@code RETURN (STATUS (...))} was asked.
     */
    record ListCommand(String tag, String reference, List<String> patterns, Set<ListSelectOption> selectOptions,
                       Set<ListReturnOption> returnOptions, List<StatusItem> statusItems) implements Authenticated {
        public ListCommand {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(reference, "reference");
            patterns = List.copyOf(patterns);
            if (patterns.isEmpty()) {
                throw new IllegalArgumentException("LIST needs a pattern");
            }
            selectOptions = enumSet(ListSelectOption.class, selectOptions);
            returnOptions = enumSet(ListReturnOption.class, returnOptions);
            statusItems = List.copyOf(statusItems);
        }

        /** A basic RFC 3501 LIST: one pattern, no options. */
        public static ListCommand basic(String tag, String reference, String pattern) {
            return new ListCommand(tag, reference, List.of(pattern), Set.of(), Set.of(), List.of());
        }

        /** True for an extended LIST (RFC 5258 §3): options, or several patterns, change what is answered. */
        public boolean extended() {
            return patterns.size() > 1 || !selectOptions.isEmpty() || !returnOptions.isEmpty() || !statusItems.isEmpty();
        }
    }

    record Lsub(String tag, String reference, String pattern) implements Authenticated {
        public Lsub {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(pattern, "pattern");
        }
    }

    record Status(String tag, String mailbox, List<StatusItem> items) implements Authenticated {
        public Status {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            items = List.copyOf(items);
        }
    }

    /**
     * {@code APPEND mailbox 1*([(flags)] ["date-time"] data)}: one message, or several at once (MULTIAPPEND, RFC 3502),
     * each a literal (a {@code literal8} with BINARY, RFC 3516) or made by CATENATE (RFC 4469). All of them are
     * stored, or none.
     */
    record Append(String tag, String mailbox, List<AppendMessage> messages) implements Authenticated {

        /** The most messages one APPEND may carry: a bound on the files and the work one command may cause. */
        public static final int MAX_MESSAGES = 1000;

        public Append {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            messages = List.copyOf(messages);
            if (messages.isEmpty() || messages.size() > MAX_MESSAGES) {
                throw new IllegalArgumentException("APPEND takes 1 to " + MAX_MESSAGES + " messages");
            }
        }

        /** One message given as a literal: the plain APPEND of RFC 3501. */
        public Append(String tag, String mailbox, List<String> flags, Optional<ZonedDateTime> internalDate,
                      MessageLiteral message) {
            this(tag, mailbox, List.of(new AppendMessage(flags, internalDate, message)));
        }

        /** Every literal of the command that is in a file (a proxy holds them until its backend has read them). */
        public List<org.murder.protocol.wire.SpilledLiteral> files() {
            return messages.stream().flatMap(AppendMessage::files).toList();
        }
    }

    /** IDLE (RFC 2177); the session then waits for the {@code DONE} line itself. */
    record Idle(String tag) implements Authenticated {
        public Idle {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** {@code COMPRESS mechanism} (RFC 4978), the mechanism upper-cased; only DEFLATE is defined. */
    record Compress(String tag, String mechanism) implements Authenticated {
        public Compress {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mechanism, "mechanism");
        }
    }

    /** NAMESPACE (RFC 2342). */
    record Namespace(String tag) implements Authenticated {
        public Namespace {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** {@code ENABLE capability...} (RFC 5161), capability names upper-cased. */
    record Enable(String tag, List<String> capabilities) implements Authenticated {
        public Enable {
            Objects.requireNonNull(tag, "tag");
            capabilities = List.copyOf(capabilities);
        }
    }

    /** {@code GETQUOTA root} (RFC 9208); the root name is decoded like a mailbox name and may be empty. */
    record GetQuota(String tag, String root) implements Authenticated {
        public GetQuota {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(root, "root");
        }
    }

    record GetQuotaRoot(String tag, String mailbox) implements Authenticated {
        public GetQuotaRoot {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /** {@code SETQUOTA root (RESOURCE limit ...)}: resource names upper-cased, in the order given, no repeats. */
    record SetQuota(String tag, String root, Map<String, Long> limits) implements Authenticated {
        public SetQuota {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(root, "root");
            limits = Collections.unmodifiableMap(new LinkedHashMap<>(limits));
        }
    }

    record GetAcl(String tag, String mailbox) implements Authenticated {
        public GetAcl {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /**
     * {@code SETACL mailbox identifier [+|-]rights} (RFC 4314): {@code mode} from the sign (SET without one),
     * {@code rights} the letters after it.
     */
    record SetAcl(String tag, String mailbox, String identifier, StoreMode mode, String rights) implements Authenticated {
        public SetAcl {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(rights, "rights");
        }
    }

    record DeleteAcl(String tag, String mailbox, String identifier) implements Authenticated {
        public DeleteAcl {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(identifier, "identifier");
        }
    }

    record ListRights(String tag, String mailbox, String identifier) implements Authenticated {
        public ListRights {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
            Objects.requireNonNull(identifier, "identifier");
        }
    }

    record MyRights(String tag, String mailbox) implements Authenticated {
        public MyRights {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    // --- selected

    record Check(String tag) implements Selected {
        public Check {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record Close(String tag) implements Selected {
        public Close {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** UNSELECT (RFC 3691): CLOSE without the expunge. */
    record Unselect(String tag) implements Selected {
        public Unselect {
            Objects.requireNonNull(tag, "tag");
        }
    }

    record Expunge(String tag) implements Selected {
        public Expunge {
            Objects.requireNonNull(tag, "tag");
        }
    }

    /** {@code UID EXPUNGE set} (RFC 4315). */
    record UidExpunge(String tag, SequenceSet uids) implements Selected {
        public UidExpunge {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(uids, "uids");
        }
    }

    /**
     * {@code [UID] SEARCH [RETURN (options)] [CHARSET name] keys}. {@code charset} is the upper-cased name when
     * given (only US-ASCII and UTF-8 get this far); several keys are one {@link SearchKey.And}.
     * {@code returnOptions} is empty for a classic SEARCH response, {@code RETURN ()} is given as {@code ALL}
     * (RFC 4731), and {@code SAVE} alone (RFC 5182) asks for no response at all.
     */
    record Search(String tag, boolean uid, Optional<String> charset, SearchKey key,
                  Set<SearchReturnOption> returnOptions, Optional<PartialRange> partial) implements Selected {
        public Search {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(charset, "charset");
            Objects.requireNonNull(key, "key");
            returnOptions = enumSet(SearchReturnOption.class, returnOptions);
            checkPartial(returnOptions, partial);
        }

        public Search(String tag, boolean uid, Optional<String> charset, SearchKey key,
                      Set<SearchReturnOption> returnOptions) {
            this(tag, uid, charset, key, returnOptions, Optional.empty());
        }

        /** True when the answer is an ESEARCH response: a return option other than SAVE. */
        public boolean esearch() {
            return esearchAsked(returnOptions);
        }
    }

    /**
     * {@code [UID] SORT [RETURN (options)] (criteria) charset keys} (RFC 5256; RETURN from ESORT, RFC 5267 §3).
     * {@code charset} is upper-cased (US-ASCII or UTF-8); options as {@link Search}'s.
     */
    record Sort(String tag, boolean uid, List<SortCriterion> criteria, String charset, SearchKey key,
                Set<SearchReturnOption> returnOptions, Optional<PartialRange> partial) implements Selected {
        public Sort {
            Objects.requireNonNull(tag, "tag");
            criteria = List.copyOf(criteria);
            if (criteria.isEmpty()) {
                throw new IllegalArgumentException("SORT needs a criterion");
            }
            Objects.requireNonNull(charset, "charset");
            Objects.requireNonNull(key, "key");
            returnOptions = enumSet(SearchReturnOption.class, returnOptions);
            checkPartial(returnOptions, partial);
        }

        public Sort(String tag, boolean uid, List<SortCriterion> criteria, String charset, SearchKey key,
                    Set<SearchReturnOption> returnOptions) {
            this(tag, uid, criteria, charset, key, returnOptions, Optional.empty());
        }

        /** True when the answer is an ESEARCH response (ESORT) rather than {@code * SORT}. */
        public boolean esearch() {
            return esearchAsked(returnOptions);
        }
    }

    /** {@code CANCELUPDATE "tag" ...} (RFC 5267 §4.3): the live results of those commands' UPDATE end. */
    record CancelUpdate(String tag, List<String> tags) implements Selected {
        public CancelUpdate {
            Objects.requireNonNull(tag, "tag");
            tags = List.copyOf(tags);
            if (tags.isEmpty()) {
                throw new IllegalArgumentException("CANCELUPDATE needs a tag");
            }
        }
    }

    /** {@code [UID] THREAD algorithm charset keys} (RFC 5256). */
    record ThreadCommand(String tag, boolean uid, ThreadAlgorithm algorithm, String charset, SearchKey key)
            implements Selected {
        public ThreadCommand {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(charset, "charset");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * {@code [UID] FETCH set items [(CHANGEDSINCE modseq [VANISHED])]} (RFC 3501, RFC 7162): VANISHED only on a UID
     * FETCH with CHANGEDSINCE (§3.2.6).
     */
    record Fetch(String tag, boolean uid, SequenceSet set, List<FetchItem> items, OptionalLong changedSince,
                 boolean vanished) implements Selected {
        public Fetch(String tag, boolean uid, SequenceSet set, List<FetchItem> items, OptionalLong changedSince) {
            this(tag, uid, set, items, changedSince, false);
        }

        public Fetch {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(set, "set");
            items = List.copyOf(items);
            if (items.isEmpty()) {
                throw new IllegalArgumentException("FETCH needs an item");
            }
            Objects.requireNonNull(changedSince, "changedSince");
            if (vanished && (!uid || changedSince.isEmpty())) {
                throw new IllegalArgumentException("VANISHED needs UID FETCH and CHANGEDSINCE");
            }
        }
    }

    /** {@code [UID] STORE set [(UNCHANGEDSINCE modseq)] [+|-]FLAGS[.SILENT] flags} (RFC 3501, RFC 7162). */
    record Store(String tag, boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags,
                 OptionalLong unchangedSince) implements Selected {
        public Store {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(mode, "mode");
            flags = List.copyOf(flags);
            Objects.requireNonNull(unchangedSince, "unchangedSince");
        }
    }

    record Copy(String tag, boolean uid, SequenceSet set, String mailbox) implements Selected {
        public Copy {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /** {@code [UID] MOVE set mailbox} (RFC 6851). */
    record Move(String tag, boolean uid, SequenceSet set, String mailbox) implements Selected {
        public Move {
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(mailbox, "mailbox");
        }
    }

    /** PARTIAL comes with its range, and a range only with PARTIAL. */
    private static void checkPartial(Set<SearchReturnOption> options, Optional<PartialRange> partial) {
        Objects.requireNonNull(partial, "partial");
        if (options.contains(SearchReturnOption.PARTIAL) != partial.isPresent()) {
            throw new IllegalArgumentException("PARTIAL needs its range");
        }
    }

    private static boolean esearchAsked(Set<SearchReturnOption> options) {
        return options.stream().anyMatch(o -> o != SearchReturnOption.SAVE);
    }

    /** An unmodifiable copy that iterates in declaration order. */
    private static <E extends Enum<E>> Set<E> enumSet(Class<E> type, Collection<E> values) {
        EnumSet<E> set = EnumSet.noneOf(type);
        set.addAll(values);
        return Collections.unmodifiableSet(set);
    }
}
