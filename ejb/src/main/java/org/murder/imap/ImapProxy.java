package org.murder.imap;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.connector.api.OutboundConnections;
import org.murder.protocol.imap.client.ImapResponse;
import org.murder.protocol.imap.client.ImapResponseHead;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.response.ImapResponses;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.proxy.BackendConnection;
import org.murder.proxy.BackendReply;
import org.murder.proxy.ClientRelay;
import org.murder.routing.MailboxLocator;
import org.murder.routing.Route;

/**
 * The frontend's half of IMAP: a command on a mailbox another backend holds is passed to the session's connection to
 * that backend, and its answer relayed back; a mailbox selected there keeps every selected-state command going to
 * it. The same commands on a mailbox this node holds run here ({@link MailboxCommands}, {@link MessageCommands}), so
 * one code base serves a backend, a frontend and a unified node.
 */
@ApplicationScoped
public class ImapProxy {

    @Inject
    MurderSettings settings;

    @Inject
    MailboxLocator locator;

    @Inject
    MailboxCommands mailboxCommands;

    @Inject
    MoveCommands moves;

    @Inject
    org.murder.store.model.Namespace namespace;

    @Inject
    org.murder.proxy.BackendCapabilities capabilities;

    @Resource(lookup = OutboundConnections.JNDI_NAME)
    OutboundConnections outbound;

    @Resource
    ManagedScheduledExecutorService timer;

    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;

    /** Backend connections' deadlines, checked four times a second by {@link #sweeper}. */
    private final org.murder.proxy.Deadlines deadlines = new org.murder.proxy.Deadlines();
    /**
     * A thread of our own (from the container's factory), not the managed scheduled executor: that one refuses to run
     * a periodic task while the server suspends for shutdown and logs an ERROR for every refused run.
     */
    private java.util.concurrent.ScheduledExecutorService sweeper;

    @jakarta.annotation.PostConstruct
    void startSweep() {
        sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(threads);
        sweeper.scheduleWithFixedDelay(deadlines::sweep, 250, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stopSweep() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /**
     * Runs {@code command} (authenticated state) if a mailbox it names is on another backend or uncertain; false when
     * it is this node's to run.
     */
    boolean route(Connection c, ImapSession s, ImapCommand command) {
        if (!settings.hasRole(MurderSettings.Role.FRONTEND)) {
            return false; // a backend alone serves its own mailboxes and knows of no others
        }
        if (needsSubscriptions(command)) {
            Route inbox = locate(s, "INBOX");
            if (inbox instanceof Route.Remote remote) {
                listWithRemoteSubscriptions(c, s, command, backend(s, remote.location().server()));
                return true;
            }
            return false;
        }
        if (command instanceof ImapCommand.ListCommand l && !l.statusItems().isEmpty()) {
            return listStatus(c, s, l);
        }
        if (command instanceof ImapCommand.Create cr && cr.location().filter(l -> l.indexOf('!') > 0).isPresent()) {
            return createAt(c, s, cr);
        }
        if (command instanceof ImapCommand.Rename rn && rn.location().filter(l -> l.indexOf('!') > 0).isPresent()
                && locate(s, rn.from()) instanceof Route.Remote holder) {
            // a move: the destination is asked to pull, not the holder to push (which a Cyrus holder cannot do to us)
            moves.renameAtFrontend(c, s, rn, holder.location().server());
            return true;
        }
        Optional<String> mailbox = routedBy(s, command);
        if (command instanceof ImapCommand.Idle && s.proxied().isPresent()) {
            idle(c, s, command.tag());
            return true;
        }
        if (mailbox.isEmpty() && command instanceof ImapCommand.Create && !settings.hasRole(MurderSettings.Role.BACKEND)) {
            // a top-level mailbox made at a frontend goes to Cyrus's defaultserver
            String server = settings.defaultServer();
            if (server.isEmpty()) {
                ImapEndpoint.tagged(c, command.tag(), ImapStatus.NO, "Permission denied (no defaultserver for new top-level mailboxes)");
            } else {
                relay(c, command, backend(s, server), ClientRelay::allButBye, r -> { });
            }
            return true;
        }
        if (mailbox.isEmpty()) {
            if (command instanceof ImapCommand.Enable en) {
                // the backends' sessions must have it too (CONDSTORE's MODSEQs come from them)
                s.backends.open().forEach(b -> b.send(en, ignored()));
            }
            return false;
        }
        Route route = locate(s, mailbox.get());
        boolean selecting = command instanceof ImapCommand.Select || command instanceof ImapCommand.Examine;
        if (route instanceof Route.Uncertain u) {
            if (selecting) {
                closed(c, s);
                leaveSelected(s);
            }
            ImapEndpoint.tagged(c, command.tag(), ImapStatus.NO, "UNAVAILABLE", "Mailbox location uncertain: " + u.why());
            return true;
        }
        if (!(route instanceof Route.Remote remote)) {
            if (selecting && s.proxied().isPresent()) {
                // the local SELECT leaves a local selection itself, and says [CLOSED] for it
                closed(c, s);
                leaveSelected(s);
            }
            return false;
        }
        BackendConnection backend = backend(s, remote.location().server());
        if (selecting) {
            select(c, s, command, backend);
        } else {
            relay(c, command, backend, ClientRelay::allButBye, r -> { });
        }
        return true;
    }

    /**
     * {@code CREATE name server!partition}: an admin puts a mailbox on a backend of their choosing (seed 000); this
     * node's own name is served here, another's is passed to that backend with the partition alone.
     */
    private boolean createAt(Connection c, ImapSession s, ImapCommand.Create cr) {
        String location = cr.location().orElseThrow();
        String server = location.substring(0, location.indexOf('!'));
        if (!s.admin()) {
            ImapEndpoint.tagged(c, cr.tag(), ImapStatus.NO, "Permission denied");
            return true;
        }
        if (server.equalsIgnoreCase(settings.servername())) {
            return false;
        }
        String partition = location.substring(location.indexOf('!') + 1);
        relay(c, new ImapCommand.Create(cr.tag(), cr.mailbox(), cr.specialUse(),
                partition.isEmpty() ? Optional.empty() : Optional.of(partition)), backend(s, server),
                ClientRelay::allButBye, r -> { });
        return true;
    }

    /** A selected-state command while the selected mailbox is on another backend. */
    void selected(Connection c, ImapSession s, ImapSession.Proxied state, ImapCommand.Selected command) {
        BackendConnection backend = state.mailbox().backend();
        if (command instanceof ImapCommand.Copy copy) {
            if (!sameBackend(s, copy.mailbox(), backend)) {
                copyAcross(c, s, copy.tag(), copy.uid(), copy.set(), false, backend, copy.mailbox());
                return;
            }
        } else if (command instanceof ImapCommand.Move move) {
            if (!sameBackend(s, move.mailbox(), backend)) {
                copyAcross(c, s, move.tag(), move.uid(), move.set(), true, backend, move.mailbox());
                return;
            }
        }
        boolean leaving = command instanceof ImapCommand.Close || command instanceof ImapCommand.Unselect;
        relay(c, command, backend, ClientRelay::allButBye, r -> {
            if (leaving && r != null && r.head().status().orElse(null) == ImapResponseHead.Status.OK) {
                s.unselect();
            }
        });
    }

    /**
     * COPY/MOVE to a mailbox another backend holds (this node too, when it is one: reached like any backend, through
     * its own IMAP as the proxy identity).
     */
    private void copyAcross(Connection c, ImapSession s, String tag, boolean uid, org.murder.protocol.imap.SequenceSet set,
                            boolean move, BackendConnection source, String destination) {
        Route r = locate(s, destination);
        String server;
        if (r instanceof Route.Remote remote) {
            server = remote.location().server();
        } else if (r instanceof Route.Local) {
            server = settings.servername();
        } else if (r instanceof Route.Uncertain u) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "UNAVAILABLE", "Mailbox location uncertain: " + u.why());
            return;
        } else {
            MailboxCommands.noSuchTarget(c, tag, destination);
            return;
        }
        new org.murder.proxy.CrossBackendCopy(c, tag, move, new org.murder.proxy.BackendCopySource(c, source, uid, set),
                backend(s, server), destination).start();
    }

    /** Whether {@code external} is a mailbox another backend holds (a COPY from here must go there). */
    boolean onAnotherBackend(ImapSession s, String external) {
        return settings.hasRole(MurderSettings.Role.FRONTEND) && locate(s, external) instanceof Route.Remote;
    }

    /** COPY/MOVE from the mailbox selected in this node's store to one on another backend. */
    void copyFromHere(Connection c, ImapSession s, String tag, boolean move, org.murder.proxy.CopySource source,
                      String destination) {
        Route r = locate(s, destination);
        if (!(r instanceof Route.Remote remote)) {
            MailboxCommands.noSuchTarget(c, tag, destination);
            return;
        }
        new org.murder.proxy.CrossBackendCopy(c, tag, move, source, backend(s, remote.location().server()), destination)
                .start();
    }

    /** NOOP while selected on another backend: that backend's news. */
    void noop(Connection c, ImapSession.ProxiedMailbox mailbox, ImapCommand command) {
        relay(c, command, mailbox.backend(), ClientRelay::allButBye, r -> { });
    }

    private boolean sameBackend(ImapSession s, String external, BackendConnection backend) {
        Route r = locate(s, external);
        return r instanceof Route.Remote remote && remote.location().server().equalsIgnoreCase(backend.server());
    }

    private void select(Connection c, ImapSession s, ImapCommand command, BackendConnection backend) {
        boolean examine = command instanceof ImapCommand.Examine;
        String name = command instanceof ImapCommand.Select sel ? sel.mailbox() : ((ImapCommand.Examine) command).mailbox();
        if (command instanceof ImapCommand.Select sel && sel.condstore()
                || command instanceof ImapCommand.Examine ex && ex.condstore()) {
            s.enabled.add("CONDSTORE");
        }
        Optional<ImapSession.ProxiedMailbox> before = s.proxied();
        if (before.isEmpty() || before.get().backend() != backend) {
            // a mailbox on the same backend is left by that backend's SELECT, which says [CLOSED] itself
            closed(c, s);
            leaveSelected(s);
        }
        relay(c, command, backend, ClientRelay::allButBye, r -> {
            if (r != null && r.head().status().orElse(null) == ImapResponseHead.Status.OK) {
                boolean readOnly = examine || r.head().code().map(code -> code.name().equals("READ-ONLY")).orElse(false);
                s.selectProxied(new ImapSession.ProxiedMailbox(backend, name, readOnly));
            } else {
                s.unselect(); // RFC 3501 6.3.1: a failed SELECT leaves no mailbox selected
            }
        });
    }

    /**
     * A SEARCH or SORT that asked to SAVE was refused here (RFC 5182 §2.1: its NO empties {@code $}): the backend,
     * which keeps the session's {@code $}, is told to save an empty result.
     */
    void emptySavedResult(ImapSession.ProxiedMailbox mailbox) {
        mailbox.backend().send(new ImapCommand.Search("R", false, Optional.empty(),
                new org.murder.protocol.imap.search.SearchKey.Not(org.murder.protocol.imap.search.SearchKey.ALL),
                java.util.Set.of(org.murder.protocol.imap.command.SearchReturnOption.SAVE)), ignored());
    }

    /** Leaves the selected mailbox, here or on its backend (whose connection stays for the session). */
    /** RFC 7162 §3.2.11, RFC 9051 §6.3.2: a QRESYNC or IMAP4rev2 client hears where the old mailbox's responses end. */
    private static void closed(Connection c, ImapSession s) {
        if ((s.enabled.contains("QRESYNC") || s.rev2()) && (s.selected().isPresent() || s.proxied().isPresent())) {
            c.write(MailboxCommands.CLOSED);
        }
    }

    private void leaveSelected(ImapSession s) {
        Optional<ImapSession.ProxiedMailbox> p = s.proxied();
        s.unselect();
        p.ifPresent(m -> m.backend().send(new ImapCommand.Unselect("U"), ignored()));
    }

    // ------------------------------------------------------------------ subscriptions

    /** Most users whose subscriptions a frontend remembers for when their INBOX backend does not answer. */
    private static final int KNOWN_SUBSCRIPTIONS = 10_000;

    /** The last subscriptions each user's INBOX backend reported (external names, as that user sees them). */
    private final java.util.Map<String, List<String>> knownSubscriptions = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, List<String>> eldest) {
                    return size() > KNOWN_SUBSCRIPTIONS;
                }
            });

    private static boolean needsSubscriptions(ImapCommand command) {
        if (command instanceof ImapCommand.Lsub) {
            return true;
        }
        return command instanceof ImapCommand.ListCommand l && l.extended()
                && (l.selectOptions().contains(org.murder.protocol.imap.command.ListSelectOption.SUBSCRIBED)
                || l.returnOptions().contains(org.murder.protocol.imap.command.ListReturnOption.SUBSCRIBED));
    }

    /**
     * LSUB and LIST (SUBSCRIBED) at a frontend: the subscriptions from the INBOX's backend (where they live), checked
     * against this frontend's view of the whole murder. When that backend does not answer, the last ones it gave, or
     * else the user's own mailboxes: never an empty answer or a NO, which a client (the seed's Outlook) takes for
     * "no subscriptions" and acts on.
     */
    private void listWithRemoteSubscriptions(Connection c, ImapSession s, ImapCommand command, BackendConnection backend) {
        c.holdInput();
        String user = s.user();
        backend.send(new ImapCommand.Lsub("S", "", "*"), new org.murder.proxy.CollectingReply(100_000, (responses, tagged) -> {
            try {
                List<String> subscribed;
                if (tagged.isPresent() && tagged.get().head().status().orElse(null) == ImapResponseHead.Status.OK) {
                    // with "*" LSUB names every subscription and nothing else (no phantom parents); the backend
                    // marks \Noselect what it does not hold, which may well be on another backend
                    boolean utf8 = s.utf8Names(); // the backend's session is as rev2 as the client's
                    subscribed = responses.stream().map(r -> org.murder.protocol.imap.client.ListResponse.parse(r, utf8))
                            .flatMap(Optional::stream)
                            .map(org.murder.protocol.imap.client.ListResponse::mailbox).toList();
                    knownSubscriptions.put(user, subscribed);
                } else {
                    subscribed = knownSubscriptions.get(user);
                    if (subscribed == null) {
                        char sep = namespace.separator();
                        subscribed = mailboxCommands.listable(s).keySet().stream()
                                .filter(n -> n.equalsIgnoreCase("INBOX") || n.regionMatches(true, 0, "INBOX" + sep, 0, 6))
                                .toList();
                    }
                    java.util.logging.Logger.getLogger(ImapProxy.class.getName()).info(() -> "MURDER-PROXY-006 "
                            + backend.server() + " gave no subscriptions for " + user + "; answering from what is known");
                }
                mailboxCommands.list(c, s, command, subscribed);
            } finally {
                c.releaseInput();
            }
        }));
    }

    /**
     * LIST-STATUS (RFC 5819) naming mailboxes on other backends: their STATUS is asked of their backends first, one
     * after another, then the whole answer written in LIST order. A backend that does not answer leaves its
     * mailboxes without STATUS (RFC 5819 allows leaving it out), not the LIST without an answer.
     */
    private boolean listStatus(Connection c, ImapSession s, ImapCommand.ListCommand l) {
        List<String> remote = mailboxCommands.listed(s, l).entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(java.util.Map.Entry::getKey).toList();
        if (remote.isEmpty()) {
            return false;
        }
        c.holdInput();
        java.util.Map<String, byte[]> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        askStatus(c, s, l, remote, 0, statuses);
        return true;
    }

    private void askStatus(Connection c, ImapSession s, ImapCommand.ListCommand l, List<String> remote, int next,
                           java.util.Map<String, byte[]> statuses) {
        if (next == remote.size()) {
            try {
                mailboxCommands.list(c, s, l, mailboxCommands.subscriptionsHere(s), statuses);
            } finally {
                c.releaseInput();
            }
            return;
        }
        String name = remote.get(next);
        if (!(locate(s, name) instanceof Route.Remote r)) {
            askStatus(c, s, l, remote, next + 1, statuses);
            return;
        }
        backend(s, r.location().server()).send(new ImapCommand.Status("T", name, l.statusItems()),
                new org.murder.proxy.CollectingReply(4, (responses, tagged) -> {
                    responses.stream().filter(resp -> resp.head().untagged("STATUS")).findFirst()
                            .ifPresent(resp -> statuses.put(name, resp.bytes()));
                    askStatus(c, s, l, remote, next + 1, statuses);
                }));
    }

    // ------------------------------------------------------------------ IDLE

    /** IDLE on the backend; what it announces reaches the client at once (Cyrus 3.6's frontend waits for DONE). */
    private void idle(Connection c, ImapSession s, String tag) {
        BackendConnection backend = s.proxied().orElseThrow().backend();
        c.holdInput();
        ClientRelay relay = new ClientRelay(c, tag, backend, ClientRelay::allButBye, r -> s.stopAwaiting()) {
            @Override
            public void continuation(ImapResponseHead head) {
                s.await(new ImapSession.Idling(tag, () -> { }));
                c.expectContinuation(true);
                c.write(ImapResponses.continuation("idling"));
                c.releaseInput();
            }
        };
        backend.send(new ImapCommand.Idle(tag), relay);
    }

    /** The client's line that ends a proxied IDLE. */
    void endIdle(Connection c, ImapSession s, String line) {
        String tag = s.awaiting().map(a -> ((ImapSession.Idling) a).tag()).orElse("*");
        if (!line.trim().equalsIgnoreCase("DONE")) {
            s.stopAwaiting();
            // the backend still idles: end it there, and the client hears why its IDLE ended
            s.proxied().ifPresent(m -> m.backend().sendLine(org.murder.protocol.imap.client.ImapCommandEncoder.idleDone()));
            ImapEndpoint.tagged(c, tag, ImapStatus.BAD, "Expected DONE");
            return;
        }
        Optional<ImapSession.ProxiedMailbox> m = s.proxied();
        if (m.isEmpty()) {
            s.stopAwaiting();
            ImapEndpoint.tagged(c, tag, ImapStatus.OK, "Completed");
            return;
        }
        c.holdInput(); // the backend's tagged OK (the IDLE's relay) releases it
        m.get().backend().sendLine(org.murder.protocol.imap.client.ImapCommandEncoder.idleDone());
    }

    // ------------------------------------------------------------------ plumbing

    private void relay(Connection c, ImapCommand command, BackendConnection backend,
                       java.util.function.Predicate<ImapResponseHead> relayed, Consumer<ImapResponse> onTagged) {
        c.holdInput(); // before sending: the answer may come back before this method returns
        org.murder.proxy.BackendReply reply = new ClientRelay(c, command.tag(), backend, relayed, onTagged);
        if (command instanceof ImapCommand.Append a && !a.files().isEmpty()) {
            // messages in files the client's frame gives up when this returns; the backend reads them later
            reply = new org.murder.proxy.HoldingReply(reply, a.files());
        }
        backend.send(command, reply);
    }

    /** The mailbox a command is about, for routing: its own, or the user's INBOX for subscriptions. */
    private Optional<String> routedBy(ImapSession s, ImapCommand command) {
        if (command instanceof ImapCommand.Select c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.Examine c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.Status c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.Append c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.Delete c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.Rename c) {
            return Optional.of(c.from());
        } else if (command instanceof ImapCommand.GetAcl c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.SetAcl c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.DeleteAcl c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.ListRights c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.MyRights c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.GetQuotaRoot c) {
            return Optional.of(c.mailbox());
        } else if (command instanceof ImapCommand.GetQuota c) {
            return Optional.of(c.root());
        } else if (command instanceof ImapCommand.SetQuota c) {
            return Optional.of(c.root());
        } else if (command instanceof ImapCommand.Create c) {
            return parentOf(s, c.mailbox());
        } else if (command instanceof ImapCommand.Subscribe || command instanceof ImapCommand.Unsubscribe) {
            return Optional.of("INBOX"); // subscriptions live with the user, on the INBOX's backend (as in Cyrus)
        }
        return Optional.empty();
    }

    /** For CREATE: the nearest existing ancestor decides where the new mailbox goes; none: here. */
    private Optional<String> parentOf(ImapSession s, String external) {
        char sep = namespace.separator();
        String name = external;
        for (int cut = name.lastIndexOf(sep); cut > 0; cut = name.lastIndexOf(sep)) {
            name = name.substring(0, cut);
            Route r = locate(s, name);
            if (!(r instanceof Route.Unknown)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private Route locate(ImapSession s, String external) {
        Optional<String> internal = mailboxCommands.internal(s, external);
        return internal.isEmpty() ? new Route.Unknown() : locator.locate(internal.get());
    }

    /** The session's connection to {@code server}, opened and logged in as the proxy acting for the user. */
    private BackendConnection backend(ImapSession s, String server) {
        return s.backends.get(server, srv -> {
            InetSocketAddress a = settings.backendAddress(srv, MurderSettings.Service.IMAP);
            BackendConnection b = BackendConnection.open(outbound, srv, new InetSocketAddress(a.getHostString(), a.getPort()),
                    new BackendConnection.Login(settings.proxyAuthname(srv), settings.proxyPassword(srv).toCharArray(),
                            s.user(), settings.proxyMechanisms(srv), settings.proxyTls(srv), settings.proxyCompress(),
                            caps -> capabilities.learned(srv, caps)),
                    settings.proxyTimeout(), deadlines, timer);
            if (!s.enabled.isEmpty()) {
                b.send(new ImapCommand.Enable("E", List.copyOf(s.enabled)), ignored());
            }
            return b;
        });
    }

    /** For commands whose answer nobody waits for (UNSELECT when leaving, ENABLE when connecting). */
    private static BackendReply ignored() {
        return new BackendReply() {
            @Override
            public void untagged(ImapResponseHead head) {
            }

            @Override
            public void bytes(java.nio.ByteBuffer bytes) {
            }

            @Override
            public void tagged(ImapResponse response) {
            }

            @Override
            public void failed(String why) {
            }
        };
    }
}
