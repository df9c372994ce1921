package org.murder.imap;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.logging.Logger;
import org.murder.backend.MailboxService;
import org.murder.config.MurderSettings;
import org.murder.connector.api.Connection;
import org.murder.move.MailboxMove;
import org.murder.move.MoveRunner;
import org.murder.move.MoveSourceService;
import org.murder.move.MoveState;
import org.murder.move.MoveStore;
import org.murder.protocol.imap.MailboxName;
import org.murder.protocol.imap.MailboxNames;
import org.murder.protocol.imap.client.BlockingImapClient;
import org.murder.protocol.imap.client.ImapResponseLimits;
import org.murder.protocol.imap.command.ImapCommand;
import org.murder.protocol.imap.response.ImapStatus;
import org.murder.store.StoreMailbox;

/**
 * Moving mailboxes between backends (docs/moves.md, docs/migration.md): {@code RENAME name name server!partition} on a
 * frontend or on our backend that holds the mailbox — either asks the destination to pull it with {@code XPULL} —,
 * {@code XFREEZE}, {@code XUNFREEZE} and {@code XRELEASE} on our source backends. Admins only. A RENAME or XPULL holds
 * its worker thread until the move ends.
 */
@ApplicationScoped
public class MoveCommands {

    private static final Logger LOG = Logger.getLogger(MoveCommands.class.getName());
    private static final ImapResponseLimits LIMITS = new ImapResponseLimits(65536, 65536, 16, 1 << 20);

    @Inject
    MurderSettings settings;

    @Inject
    MailboxCommands mailboxCommands;

    @EJB
    MailboxService mailboxes;

    @EJB
    MoveRunner runner;

    @EJB
    MoveSourceService sourceSide;

    private static void no(Connection c, String tag, String text) {
        ImapEndpoint.tagged(c, tag, ImapStatus.NO, text);
    }

    private boolean refused(Connection c, ImapSession s, String tag) {
        if (!s.admin()) {
            no(c, tag, "Permission denied");
            return true;
        }
        if (!settings.hasRole(MurderSettings.Role.BACKEND)) {
            no(c, tag, "Mailboxes are moved by the backends");
            return true;
        }
        return false;
    }

    /** The mailbox a RENAME with a location moves; empty (answered NO) for a bad name or a rename and a move at once. */
    private Optional<String> sameName(Connection c, ImapSession s, ImapCommand.Rename r) {
        Optional<String> from = mailboxCommands.internal(s, r.from());
        Optional<String> to = mailboxCommands.internal(s, r.to());
        if (from.isEmpty() || to.isEmpty()) {
            no(c, r.tag(), "Invalid mailbox name");
            return Optional.empty();
        }
        if (!from.get().equals(to.get())) {
            no(c, r.tag(), "A mailbox is renamed or moved to another server, not both at once");
            return Optional.empty();
        }
        return from;
    }

    /** {@code RENAME name name location}, on the backend holding {@code name}: the destination is asked to pull it. */
    void rename(Connection c, ImapSession s, ImapCommand.Rename r) {
        String tag = r.tag();
        if (refused(c, s, tag)) {
            return;
        }
        Optional<String> from = sameName(c, s, r);
        if (from.isEmpty()) {
            return;
        }
        String location = r.location().orElseThrow();
        int bang = location.indexOf('!');
        String server = bang < 0 ? settings.servername() : location.substring(0, bang);
        String partition = bang < 0 ? location : location.substring(bang + 1);
        Optional<StoreMailbox> here = mailboxes.find(from.get());
        if (here.isEmpty()) {
            no(c, tag, "Mailbox does not exist");
            return;
        }
        if (server.equalsIgnoreCase(settings.servername())) {
            no(c, tag, here.get().partition().equals(partition) ? "Mailbox is already on " + settings.servername()
                    : "Moving a mailbox to another partition of the same server is not supported");
            return;
        }
        if (partition.isEmpty()) {
            partition = settings.defaultPartition();
        }
        pull(c, s, tag, from.get(), settings.servername(), server, partition);
    }

    /**
     * {@code RENAME name name server!partition} at a frontend, for a mailbox the map places on backend {@code holder}:
     * the frontend asks the destination to pull it, whatever the holder is — one of ours, or a Cyrus 3.6 backend,
     * which would answer a relayed RENAME with a location itself (its own XFER, which our backends do not speak).
     * This is how a Cyrus murder is migrated (docs/migration.md).
     */
    void renameAtFrontend(Connection c, ImapSession s, ImapCommand.Rename r, String holder) {
        String tag = r.tag();
        if (!s.admin()) {
            no(c, tag, "Permission denied");
            return;
        }
        Optional<String> from = sameName(c, s, r);
        if (from.isEmpty()) {
            return;
        }
        org.murder.protocol.mupdate.Location to = org.murder.protocol.mupdate.Location.parse(r.location().orElseThrow());
        if (to.server().equalsIgnoreCase(holder)) {
            no(c, tag, "Mailbox is already on " + holder);
            return;
        }
        pull(c, s, tag, from.get(), holder, to.server(),
                to.partition().isEmpty() ? settings.defaultPartition() : to.partition());
    }

    /** Asks {@code server} to pull {@code name} from {@code source} (XPULL) and answers when the move is over. */
    private void pull(Connection c, ImapSession s, String tag, String name, String source, String server, String partition) {
        LOG.info(() -> "MURDER-MOVE-020 " + s.user() + " moves " + name + " from " + source + " to " + server + "!" + partition);
        // a first word at once: a frontend relaying this RENAME stops counting its deadline (a big move takes minutes)
        c.write(org.murder.protocol.imap.response.ImapResponses.untagged(ImapStatus.OK, Optional.empty(),
                "Moving " + name + " to " + server + "!" + partition));
        BlockingImapClient destination;
        try {
            destination = BlockingImapClient.connect(settings.backendAddress(server, MurderSettings.Service.IMAP),
                    settings.proxyTimeout(), LIMITS);
        } catch (IOException | RuntimeException e) {
            no(c, tag, "Unknown or unreachable server " + server + ": " + e.getMessage());
            return;
        }
        try (destination) {
            BlockingImapClient.Answer login = destination.authenticatePlain(s.user(), settings.proxyAuthname(server),
                    settings.proxyPassword(server));
            if (!login.ok()) {
                no(c, tag, "Server " + server + " refused our login: " + login.text());
                return;
            }
            destination.readTimeout(Duration.ofHours(24)); // the answer comes when the move is over
            BlockingImapClient.Answer a = destination.command("XPULL " + BlockingImapClient.string(name) + " "
                    + BlockingImapClient.string(source) + " " + BlockingImapClient.string(partition));
            if (a.ok()) {
                ImapEndpoint.tagged(c, tag, ImapStatus.OK, "Completed");
            } else {
                no(c, tag, a.text());
            }
        } catch (IOException e) {
            ImapEndpoint.tagged(c, tag, ImapStatus.NO, "UNAVAILABLE", "Lost the destination " + server
                    + " during the move (" + e.getMessage() + "); it resumes there or rolls back: see ./murder status");
        }
    }

    /** {@code XPULL}: this backend is the destination; answered when the move is over. */
    void pull(Connection c, ImapSession s, ImapCommand.XPull p) {
        String tag = p.tag();
        if (refused(c, s, tag)) {
            return;
        }
        Optional<String> name = MailboxName.of(p.mailbox()).utf7();
        if (name.isEmpty()) {
            no(c, tag, "Invalid mailbox name");
            return;
        }
        if (!settings.partitions().containsKey(p.partition())) {
            no(c, tag, "Partition " + p.partition() + " does not exist on " + settings.servername());
            return;
        }
        if (p.server().equalsIgnoreCase(settings.servername()) || mailboxes.find(name.get()).isPresent()) {
            no(c, tag, "Mailbox is already on " + settings.servername());
            return;
        }
        try {
            MailboxMove done = runner.pull(name.get(), p.server(), p.partition(), s.user()).get();
            if (done.state() == MoveState.DONE) {
                ImapEndpoint.tagged(c, tag, ImapStatus.OK, "Completed");
            } else {
                no(c, tag, "Move failed and rolled back: " + done.lastError());
            }
        } catch (MoveStore.MoveRefused e) {
            no(c, tag, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            no(c, tag, "Interrupted; the move goes on");
        } catch (ExecutionException e) {
            no(c, tag, "Move failed: " + e.getCause());
        }
    }

    /** {@code XFREEZE}, {@code XUNFREEZE}, {@code XRELEASE}: this backend is the source. */
    void step(Connection c, ImapSession s, ImapCommand.XMoveStep st) {
        String tag = st.tag();
        if (refused(c, s, tag)) {
            return;
        }
        Optional<String> name = MailboxName.of(st.mailbox()).utf7();
        if (name.isEmpty()) {
            no(c, tag, "Invalid mailbox name");
            return;
        }
        try {
            switch (st.step()) {
                case FREEZE -> sourceSide.freeze(name.get(), st.moveId());
                case UNFREEZE -> sourceSide.unfreeze(name.get(), st.moveId());
                case RELEASE -> sourceSide.release(name.get(), st.moveId(), st.location().orElseThrow());
            }
            ImapEndpoint.tagged(c, tag, ImapStatus.OK, "Completed");
        } catch (MoveSourceService.StepRefused e) {
            no(c, tag, e.getMessage());
        }
    }
}
