package org.murder.backend;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.security.sasl.SaslException;
import org.murder.map.MailboxKind;
import org.murder.map.MailboxRecord;
import org.murder.protocol.mupdate.Location;
import org.murder.protocol.mupdate.MupdateClient;
import org.murder.protocol.mupdate.MupdateResponse;
import org.murder.protocol.sasl.SaslClientExchange;

/**
 * The registry over MUPDATE, as a Cyrus backend does it: one short connection per operation,
 * authenticated with mupdate_authname / mupdate_password (acting as mupdate_username when given) by the
 * strongest SASL mechanism the master offers. It works with our master and with Cyrus's.
 */
public final class MupdateRegistry implements MurderRegistry {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String host;
    private final int port;
    private final String authname;
    private final String username;
    private final String password;
    private final String servername;

    public MupdateRegistry(String host, int port, String authname, String username, String password, String servername) {
        this.host = host;
        this.port = port;
        this.authname = authname;
        this.username = username;
        this.password = password;
        this.servername = servername;
    }

    /** {@code mupdate_server} may carry the port ({@code host:3905}), as Debian's Cyrus needs. */
    public static MupdateRegistry of(String mupdateServer, int defaultPort, String authname, String username,
                                     String password, String servername) {
        String host = mupdateServer;
        int port = defaultPort;
        int colon = mupdateServer.lastIndexOf(':');
        if (colon > 0 && mupdateServer.indexOf(':') == colon) {
            host = mupdateServer.substring(0, colon);
            port = Integer.parseInt(mupdateServer.substring(colon + 1));
        }
        return new MupdateRegistry(host, port, authname, username, password, servername);
    }

    /** host:port of the master, for logs and messages. */
    public String endpoint() {
        return host + ":" + port;
    }

    @Override
    public boolean joined() {
        return true;
    }

    private interface Call<T> {
        T run(MupdateClient c) throws IOException;
    }

    private <T> T withMaster(String what, Call<T> call) throws RegistryException {
        try (MupdateClient c = new MupdateClient(host, port, TIMEOUT)) {
            String authzid = username.isEmpty() || username.equals(authname) ? "" : username;
            MupdateResponse.Completion auth = c.authenticate(login(c, authzid));
            if (auth.status() != MupdateResponse.Status.OK) {
                throw new RegistryException("MUPDATE master " + host + ":" + port + " refused our login as " + authname
                        + ": " + auth.text(), true, null);
            }
            T result = call.run(c);
            c.logout();
            return result;
        } catch (SaslException e) {
            throw new RegistryException("MUPDATE master " + host + ":" + port + ": no login as " + authname + " during "
                    + what + ": " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new RegistryException("MUPDATE master " + host + ":" + port + " unreachable during " + what + ": "
                    + e.getMessage(), true, e);
        }
    }

    /**
     * The exchange with the strongest mechanism the master offers (SCRAM before PLAIN). As Cyrus's backend does:
     * when none is usable in the clear (allowplaintext off and no SCRAM), STARTTLS first and ask again; the master's
     * certificate must be trusted by the JVM (javax.net.ssl.trustStore).
     */
    private SaslClientExchange login(MupdateClient c, String authzid) throws IOException {
        MupdateClient.Banner banner = c.greeting();
        try {
            return new SaslClientExchange(banner.authMechanisms(), authname, password.toCharArray(), authzid);
        } catch (SaslException e) {
            if (!banner.has("STARTTLS")) {
                throw e;
            }
        }
        banner = c.startTls((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault());
        return new SaslClientExchange(banner.authMechanisms(), authname, password.toCharArray(), authzid);
    }

    private void expectOk(String what, MupdateResponse.Completion c) throws RegistryException {
        if (c.status() != MupdateResponse.Status.OK) {
            throw new RegistryException(what + " refused by the MUPDATE master: " + c.text(), false, null);
        }
    }

    @Override
    public void reserve(String mailbox, String partition) throws RegistryException {
        MupdateResponse.Completion c = withMaster("RESERVE", m -> m.reserve(mailbox, new Location(servername, partition)));
        expectOk("RESERVE " + mailbox, c);
    }

    @Override
    public void activate(String mailbox, String partition, String acl) throws RegistryException {
        MupdateResponse.Completion c = withMaster("ACTIVATE", m -> m.activate(mailbox, new Location(servername, partition), acl));
        expectOk("ACTIVATE " + mailbox, c);
    }

    @Override
    public void deactivate(String mailbox, String partition) throws RegistryException {
        MupdateResponse.Completion c = withMaster("DEACTIVATE", m -> m.deactivate(mailbox, new Location(servername, partition)));
        expectOk("DEACTIVATE " + mailbox, c);
    }

    @Override
    public void delete(String mailbox) throws RegistryException {
        MupdateResponse.Completion c = withMaster("DELETE", m -> m.delete(mailbox));
        expectOk("DELETE " + mailbox, c);
    }

    @Override
    public java.util.Optional<MailboxRecord> find(String mailbox) throws RegistryException {
        MupdateClient.Reply reply = withMaster("FIND", m -> m.find(mailbox));
        expectOk("FIND " + mailbox, reply.completion());
        for (MupdateResponse r : reply.data()) {
            if (r instanceof MupdateResponse.MailboxData d && d.name().equals(mailbox)) {
                return java.util.Optional.of(new MailboxRecord(d.name(), d.location().server(), d.location().partition(),
                        d.acl(), MailboxKind.ACTIVE, 0));
            } else if (r instanceof MupdateResponse.ReserveData d && d.name().equals(mailbox)) {
                return java.util.Optional.of(new MailboxRecord(d.name(), d.location().server(), d.location().partition(),
                        "", MailboxKind.RESERVED, 0));
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public List<MailboxRecord> listOwn() throws RegistryException {
        MupdateClient.Reply reply = withMaster("LIST", m -> m.list(servername + "!"));
        expectOk("LIST", reply.completion());
        List<MailboxRecord> out = new ArrayList<>();
        for (MupdateResponse r : reply.data()) {
            if (r instanceof MupdateResponse.MailboxData d && d.location().server().equals(servername)) {
                out.add(new MailboxRecord(d.name(), d.location().server(), d.location().partition(), d.acl(), MailboxKind.ACTIVE, 0));
            } else if (r instanceof MupdateResponse.ReserveData d && d.location().server().equals(servername)) {
                out.add(new MailboxRecord(d.name(), d.location().server(), d.location().partition(), "", MailboxKind.RESERVED, 0));
            }
        }
        return out;
    }
}
