package org.murder.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * The node's settings, named after Cyrus's imapd.conf. They arrive as system properties (the launcher
 * loads murder.conf with {@code standalone.sh -P}, whose "key: value" lines are valid properties) and
 * are read through MicroProfile Config, so environment variables work too.
 */
@ApplicationScoped
public class MurderSettings {

    public enum Role { MASTER, FRONTEND, BACKEND }

    private static final Object PROPERTY_NAMES = new Object();

    @Inject
    Config config;

    /** Settings are fixed for the node's life (system properties from murder.conf): each is looked up once. */
    private final java.util.concurrent.ConcurrentMap<String, java.util.Optional<String>> values =
            new java.util.concurrent.ConcurrentHashMap<>();

    private String get(String key, String fallback) {
        return values.computeIfAbsent(key, k -> config.getOptionalValue(k, String.class).map(String::trim)
                .filter(v -> !v.isEmpty())).orElse(fallback);
    }

    /** This node's name in the murder (Cyrus: {@code servername}); locations are {@code servername!partition}. */
    public String servername() {
        return get("servername", defaultHostName());
    }

    /** Users with full rights; only they may authenticate to the MUPDATE master (as in Cyrus). */
    public Set<String> admins() {
        return words(get("admins", ""));
    }

    public boolean isAdmin(String user) {
        return user != null && admins().contains(user);
    }

    private volatile Set<Role> roles;

    public Set<Role> roles() {
        Set<Role> r = roles;
        if (r == null) {
            r = words(get("murder_roles", "master frontend backend")).stream()
                    .map(w -> Role.valueOf(w.toUpperCase(Locale.ROOT)))
                    .collect(Collectors.toUnmodifiableSet());
            roles = r;
        }
        return r;
    }

    public boolean hasRole(Role role) {
        return roles().contains(role);
    }

    /** The master's host as seen from this node; empty when this node is the master. */
    public String mupdateServer() {
        return get("mupdate_server", "");
    }

    /**
     * Where a frontend that is not the master takes its map from: {@code topic} (default), our master's JMS topic
     * and REST snapshots; {@code update}, the RFC 3656 UPDATE stream of the master at {@code mupdate_server} (any
     * MUPDATE master, Cyrus's included), logging in as {@code mupdate_authname}.
     */
    public boolean followsUpdateStream() {
        return "update".equalsIgnoreCase(get("mupdate_follow", "topic")) && !mupdateServer().isEmpty()
                && !hasRole(Role.MASTER);
    }

    /**
     * Cyrus's mupdate_retry_delay: seconds between attempts to reach the master's UPDATE stream (at most); on a backend,
     * between heartbeats to the master.
     */
    public long mupdateRetryDelay() {
        return Math.max(1, Long.parseLong(get("mupdate_retry_delay", "20")));
    }

    /**
     * How long after its start the master counts as settling (default 30 s): backends find it and push their mailboxes
     * within {@code mupdate_retry_delay}, and until then a name missing from its map (one it lost) proves nothing, so
     * frontends treat such names as uncertain (an MTA hears 4xx, not 5xx).
     */
    public java.time.Duration masterSettle() {
        return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(get("murder_master_settle_seconds", "30"))));
    }

    /**
     * Cyrus's {@code client_timeout}: how long a connection this node makes to another server (the MUPDATE master) may
     * take to open or to answer before it counts as unreachable. Default 10 s.
     */
    public java.time.Duration clientTimeout() {
        return java.time.Duration.ofSeconds(Math.max(1, Long.parseLong(get("client_timeout", "10"))));
    }

    public int mupdatePort() {
        return Integer.parseInt(get("mupdate_port", "3905"));
    }

    /** Where a frontend of another node fetches the master's map snapshot (REST). */
    public String masterHttpUrl() {
        return get("mupdate_master_url", "http://" + (mupdateServer().isEmpty() ? "127.0.0.1" : mupdateServer())
                + ":" + get("http_port", "8080"));
    }

    public int mupdateConnectionsMax() {
        return Integer.parseInt(get("mupdate_connections_max", "128"));
    }

    /** Seconds between a frontend's checks that its copy has not fallen behind the master. */
    public int mapCheckSeconds() {
        return Integer.parseInt(get("murder_map_check_seconds", "30"));
    }

    // ------------------------------------------------------------------ backend

    /** Cyrus's configdirectory: where this node keeps its state (database, spool by default). */
    public java.nio.file.Path configDirectory() {
        return java.nio.file.Path.of(get("configdirectory",
                get("jboss.server.data.dir", System.getProperty("java.io.tmpdir")) + "/murder"));
    }

    /** {@code partition-<name>: <directory>}; without any, a "default" partition under configdirectory. */
    public java.util.Map<String, java.nio.file.Path> partitions() {
        java.util.Map<String, java.nio.file.Path> out = new java.util.TreeMap<>();
        java.util.List<String> names = new java.util.ArrayList<>();
        // SmallRye fills its cache of property names on first use, unsynchronized: two first LMTP connections
        // (each endpoint gets a Spool, hence asks this) iterated it at once and one failed with a
        // ConcurrentModificationException, leaving its client without a greeting
        synchronized (PROPERTY_NAMES) {
            config.getPropertyNames().forEach(names::add);
        }
        for (String key : names) {
            if (key.startsWith("partition-") && key.length() > "partition-".length()) {
                out.put(key.substring("partition-".length()), java.nio.file.Path.of(get(key, "")));
            }
        }
        if (out.isEmpty()) {
            out.put(defaultPartition(), configDirectory().resolve("spool").resolve(defaultPartition()));
        }
        return out;
    }

    public String defaultPartition() {
        return get("defaultpartition", "default");
    }

    public boolean unixHierarchySep() {
        return bool("unixhierarchysep", false);
    }

    /** Users who may authenticate as someone else (SASL authzid): the frontends' proxy identity. */
    public Set<String> proxyServers() {
        return words(get("proxyservers", ""));
    }

    /**
     * The SASL mechanisms offered (Cyrus: {@code sasl_mech_list}), strongest first; all we implement by default.
     * SCRAM needs clear passwords in the realm, which is how {@code ./murder adduser} stores them.
     */
    public java.util.List<String> saslMechanisms() {
        Set<String> wanted = words(get("sasl_mech_list", "").toUpperCase(Locale.ROOT));
        return org.murder.protocol.sasl.SaslMechanisms.supported().stream()
                .filter(m -> wanted.isEmpty() || wanted.contains(m))
                .toList();
    }

    public boolean allowPlaintext() {
        return bool("allowplaintext", false);
    }

    /**
     * {@code allowplaintext} for one service, which may override it as Cyrus's service-prefixed options do
     * ({@code mupdate_allowplaintext: yes} on a master whose Cyrus frontends and backends log in with PLAIN,
     * since Cyrus's MUPDATE clients do not negotiate TLS).
     */
    public boolean allowPlaintext(String protocol) {
        return bool(protocol + "_allowplaintext", allowPlaintext());
    }

    /** Cyrus's allowusermoves (off): whether an admin may RENAME one user's INBOX to another user's. */
    public boolean allowUserMoves() {
        return bool("allowusermoves", false);
    }

    public boolean allowAllSubscribe() {
        return bool("allowallsubscribe", false);
    }

    /**
     * Cyrus's literalminus (off): IMAP advertises LITERAL- instead of LITERAL+ (RFC 7888), and refuses non-synchronizing
     * literals over 4096 octets.
     */
    public boolean literalMinus() {
        return bool("literalminus", false);
    }

    /** The identity a backend logs in to the MUPDATE master with (Cyrus: mupdate_authname, else mupdate_username). */
    public String mupdateAuthname() {
        return get("mupdate_authname", get("mupdate_username", ""));
    }

    public String mupdateUsername() {
        return get("mupdate_username", "");
    }

    public String mupdatePassword() {
        return get("mupdate_password", "");
    }

    /**
     * The admin this node presents to another node's REST API (a frontend fetching the master's map snapshot), and
     * {@code ./murder} to its own: {@code murder_node_user}, else the MUPDATE identity, which a master lists in
     * {@code admins} already.
     */
    public String nodeUser() {
        return get("murder_node_user", mupdateAuthname());
    }

    /** {@code murder_node_password}, else {@code mupdate_password}. */
    public String nodePassword() {
        return get("murder_node_password", mupdatePassword());
    }

    /** LMTP over quota: 452 4.2.2 (temporary, Cyrus's default) or, when set, 552 5.2.2. */
    public boolean lmtpOverQuotaPermFailure() {
        return bool("lmtp_over_quota_perm_failure", false);
    }

    /** Whether an MTA on the loopback may deliver without AUTH (Cyrus trusts its UNIX socket likewise). */
    public boolean lmtpTrustLoopback() {
        return bool("lmtp_trust_loopback", true);
    }

    /**
     * Whether a user's INBOX is created at their first login (Cyrus: autocreate_quota >= 0). On by
     * default here, unlike Cyrus, so that a fresh single-node murder works for every user it knows.
     */
    public boolean autocreateInbox() {
        return Long.parseLong(get("autocreate_quota", "0")) >= 0;
    }

    /** Cyrus's autocreate_post: create a known user's INBOX when mail arrives for it. */
    public boolean autocreatePost() {
        return bool("autocreate_post", false);
    }

    public boolean duplicateSuppression() {
        return bool("duplicatesuppression", true);
    }

    /** How long a delivered Message-ID is remembered per mailbox (Cyrus: cyr_expire -E, 3 days). */
    public java.time.Duration duplicateWindow() {
        return java.time.Duration.ofHours(Long.parseLong(get("duplicate_window_hours", "72")));
    }

    /** IMAP autologout after login (Cyrus: {@code timeout}, minutes, default 32, never under 30 as RFC 3501 5.4 asks). */
    public java.time.Duration imapTimeout() {
        return java.time.Duration.ofMinutes(Math.max(30, Long.parseLong(get("timeout", "32"))));
    }

    /** How long a client's next command waits after a failed login (Cyrus: {@code failedloginpause}, 3 s). */
    public java.time.Duration failedLoginPause() {
        return java.time.Duration.ofSeconds(Math.max(0, Long.parseLong(get("failedloginpause", "3"))));
    }

    /** How long an IMAP client may stay quiet before it has logged in (seconds, default 120). */
    public java.time.Duration imapPreloginTimeout() {
        return java.time.Duration.ofSeconds(Math.max(10, Long.parseLong(get("imap_prelogin_timeout", "120"))));
    }

    /** How long an LMTP client may stay quiet (seconds, default 300: RFC 5321 4.5.3.2's five minutes). */
    public java.time.Duration lmtpTimeout() {
        return java.time.Duration.ofSeconds(Math.max(10, Long.parseLong(get("lmtp_timeout", "300"))));
    }

    /** How long the records of expunged messages are kept (Cyrus: cyr_expire -X, expunge_days, 7 days). */
    public java.time.Duration expungedRetention() {
        return java.time.Duration.ofDays(Long.parseLong(get("expunge_days", "7")));
    }

    /** Largest message LMTP and APPEND accept, in bytes (Cyrus: maxmessagesize; 0 = no limit). */
    public long maxMessageSize() {
        return Long.parseLong(get("maxmessagesize", "0"));
    }

    // ------------------------------------------------------------------ POP3 (Cyrus's names and meanings)

    /** POP3 autologout (Cyrus: {@code poptimeout}, minutes when no unit is given, default 10, never under 10). */
    public java.time.Duration popTimeout() {
        java.time.Duration d = duration("poptimeout", "10", java.time.temporal.ChronoUnit.MINUTES);
        return d.compareTo(java.time.Duration.ofMinutes(10)) < 0 ? java.time.Duration.ofMinutes(10) : d;
    }

    /** The least time between two POP3 logins to one maildrop (Cyrus: {@code popminpoll}, minutes; 0: none). */
    public java.time.Duration popMinPoll() {
        java.time.Duration d = duration("popminpoll", "0", java.time.temporal.ChronoUnit.MINUTES);
        return d.isNegative() ? java.time.Duration.ZERO : d;
    }

    /** Cyrus's {@code poppollpadding}: logins allowed faster than {@code popminpoll} before it bites (1: none). */
    public int popPollPadding() {
        return Math.max(1, Integer.parseInt(get("poppollpadding", "1")));
    }

    /** CAPA's EXPIRE (Cyrus: {@code popexpiretime}, days when no unit is given; negative, the default: NEVER). */
    public java.util.Optional<java.time.Duration> popExpireTime() {
        String v = get("popexpiretime", "-1");
        if (v.startsWith("-") || v.equalsIgnoreCase("never")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(duration("popexpiretime", "-1", java.time.temporal.ChronoUnit.DAYS));
    }

    /**
     * Cyrus's {@code popuseimapflags}: POP3 hides \Deleted messages and sets \Seen on those retrieved (at QUIT). On
     * by default here (Cyrus: off), so that a message fetched by POP3 shows as read to the user's IMAP client.
     */
    public boolean popUseImapFlags() {
        return bool("popuseimapflags", true);
    }

    /** Cyrus's {@code uidl_format}: {@code cyrus} (UIDVALIDITY.UID, the default), {@code uidonly}, {@code dovecot}, {@code courier}. */
    public String uidlFormat() {
        return get("uidl_format", "cyrus").toLowerCase(Locale.ROOT);
    }

    /**
     * A Cyrus duration: a number with a unit ({@code s}, {@code m}, {@code h}, {@code d}, combined as {@code 1h30m}), or
     * a bare number in {@code bareUnit} (Cyrus's backward compatibility).
     */
    private java.time.Duration duration(String key, String fallback, java.time.temporal.ChronoUnit bareUnit) {
        String v = get(key, fallback).trim().toLowerCase(Locale.ROOT);
        boolean negative = v.startsWith("-");
        if (negative) {
            v = v.substring(1);
        }
        java.time.Duration d;
        if (v.matches("\\d+")) {
            d = java.time.Duration.of(Long.parseLong(v), bareUnit);
        } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(v);
            d = java.time.Duration.ZERO;
            int at = 0;
            while (m.find() && m.start() == at) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "s" -> java.time.Duration.ofSeconds(n);
                    case "m" -> java.time.Duration.ofMinutes(n);
                    case "h" -> java.time.Duration.ofHours(n);
                    default -> java.time.Duration.ofDays(n);
                });
                at = m.end();
            }
            if (at != v.length() || v.isEmpty()) {
                throw new IllegalArgumentException(key + ": not a duration: " + get(key, fallback));
            }
        }
        return negative ? d.negated() : d;
    }

    // ------------------------------------------------------------------ frontend: reaching backends

    /** A service of a backend a frontend connects to. */
    public enum Service {
        IMAP("imap_port", 1143), LMTP("lmtp_port", 2003), POP3("pop3_port", 1110);

        private final String portSetting;
        private final int defaultPort;

        Service(String portSetting, int defaultPort) {
            this.portSetting = portSetting;
            this.defaultPort = defaultPort;
        }
    }

    /**
     * Where a frontend reaches {@code server}'s service: {@code <server>_imap_address} ({@code _lmtp_address},
     * {@code _pop3_address}) as {@code host:port}; by default the server's name as host name at the port this node
     * uses itself, which is how a murder of one host per server, all alike, needs no setting at all.
     */
    public java.net.InetSocketAddress backendAddress(String server, Service service) {
        String name = service.name().toLowerCase(Locale.ROOT);
        String value = get(server + "_" + name + "_address", "");
        int ownPort = Integer.parseInt(get(service.portSetting, Integer.toString(service.defaultPort)));
        if (value.isEmpty()) {
            return java.net.InetSocketAddress.createUnresolved(server, ownPort);
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0 || value.endsWith("]")) {
            return java.net.InetSocketAddress.createUnresolved(value, ownPort);
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return java.net.InetSocketAddress.createUnresolved(host, Integer.parseInt(value.substring(colon + 1)));
    }

    /** Who a frontend authenticates as at {@code server} (Cyrus: {@code <server>_authname}, else {@code proxy_authname}). */
    public String proxyAuthname(String server) {
        return get(server + "_authname", get("proxy_authname", "proxy"));
    }

    /** Its password there (Cyrus: {@code <server>_password}, else {@code proxy_password}); empty when none is set. */
    public String proxyPassword(String server) {
        return get(server + "_password", get("proxy_password", ""));
    }

    /** The SASL mechanisms a frontend may use at {@code server} ({@code <server>_mechs}); empty: any it offers. */
    public Set<String> proxyMechanisms(String server) {
        return words(get(server + "_mechs", get("proxy_mechs", "")).toUpperCase(Locale.ROOT));
    }

    /** Whether a frontend compresses its IMAP connections to backends that offer COMPRESS=DEFLATE (Cyrus's name). */
    public boolean proxyCompress() {
        return bool("proxy_compress", false);
    }

    /** Whether a frontend starts TLS towards {@code server} before it authenticates ({@code <server>_tls}). */
    public boolean proxyTls(String server) {
        return bool(server + "_tls", bool("proxy_tls", false));
    }

    /** Where a frontend creates a top-level mailbox (Cyrus: {@code defaultserver}); empty: it refuses. */
    public String defaultServer() {
        return get("defaultserver", "");
    }

    /** How long a frontend waits for a backend to connect and greet, and for a command's answer to begin. */
    public java.time.Duration proxyTimeout() {
        return java.time.Duration.ofSeconds(Long.parseLong(get("proxy_timeout", "30")));
    }

    /** Where a frontend looks up an LMTP recipient's mailbox (seed 004's delivery modes). */
    public enum LmtpLookup {
        /** This node's copy of the map only: mail is delivered while the master is down. */
        MAP,
        /** The map copy, and on a miss the MUPDATE master ({@code FIND}); a master that does not answer gives 4xx. */
        MASTER
    }

    /** {@code lmtp_proxy_lookup}: {@code map} (the default) or {@code master} (ask the master on a miss). */
    public LmtpLookup lmtpProxyLookup() {
        return LmtpLookup.valueOf(get("lmtp_proxy_lookup", "map").toUpperCase(Locale.ROOT));
    }

    /** Idle LMTP connections a frontend keeps per backend ({@code lmtp_proxy_idle_connections}, 8). */
    public int lmtpProxyIdleConnections() {
        return Math.max(0, Integer.parseInt(get("lmtp_proxy_idle_connections", "8")));
    }

    /**
     * How long an idle pooled LMTP connection is kept ({@code lmtp_proxy_idle_timeout}, seconds, 60): below the
     * backends' own {@code lmtp_timeout}, so that the frontend, not the backend, ends it.
     */
    public java.time.Duration lmtpProxyIdleTimeout() {
        return java.time.Duration.ofSeconds(Math.max(1, Long.parseLong(get("lmtp_proxy_idle_timeout", "60"))));
    }

    private boolean bool(String key, boolean fallback) {
        String v = get(key, Boolean.toString(fallback)).toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("yes") || v.equals("true") || v.equals("on") || v.equals("t");
    }

    // ------------------------------------------------------------------ moving mailboxes (docs/moves.md)

    /** A move's tunables: messages per FETCH of bodies, passes over the live source before it freezes, etc. */
    public record MoveSettings(int batch, int livePasses, int quietPass, int maxAttempts, java.time.Duration maxRetryDelay,
                               java.time.Duration batchPause, java.time.Duration tombstone, java.time.Duration timeout,
                               java.time.Duration holdFrozen) {
    }

    public MoveSettings moveSettings() {
        return new MoveSettings(Integer.parseInt(get("move_batch", "100")),
                Integer.parseInt(get("move_live_passes", "5")),
                Integer.parseInt(get("move_quiet_pass", "100")),
                Integer.parseInt(get("move_max_attempts", "10")),
                java.time.Duration.ofSeconds(Long.parseLong(get("move_retry_max_seconds", "60"))),
                // a pause after each batch of bodies: slows a move down on purpose (tests that kill a node mid-move)
                java.time.Duration.ofMillis(Long.parseLong(get("move_batch_pause_ms", "0"))),
                java.time.Duration.ofSeconds(Long.parseLong(get("move_tombstone_seconds", "3600"))),
                java.time.Duration.ofSeconds(Long.parseLong(get("move_timeout_seconds", "60"))),
                // a pause with the source frozen, before the last pass (tests that kill a node while it is frozen)
                java.time.Duration.ofMillis(Long.parseLong(get("move_hold_frozen_ms", "0"))));
    }

    /**
     * Test seams of a move (docs/configuration.md): pauses at the switch and before the release, so that a test can
     * kill the destination there, and a mailbox whose moves fail after their last pass, so that a test sees the
     * rollback of a frozen source. All off by default; never set them in production.
     *
     * @param holdSwitching  a pause in SWITCHING, the master's entry RESERVED here and the copy not yet live
     * @param holdReleasing  a pause in RELEASING, before the source is told to release
     * @param failFinalSync  moves of this mailbox fail for good at the end of FINAL_SYNC ("" none)
     */
    public record MoveSeams(java.time.Duration holdSwitching, java.time.Duration holdReleasing, String failFinalSync) {
    }

    public MoveSeams moveSeams() {
        return new MoveSeams(java.time.Duration.ofMillis(Long.parseLong(get("move_hold_switching_ms", "0"))),
                java.time.Duration.ofMillis(Long.parseLong(get("move_hold_releasing_ms", "0"))),
                get("move_fail_final_sync", "").trim());
    }

    public String product() {
        return "Murder on Jakarta EE";
    }

    public String version() {
        return "0.1";
    }

    /** Settings are read per command (roles, admins, mechanisms): each value is split once. */
    private static final java.util.concurrent.ConcurrentMap<String, Set<String>> WORDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Set<String> words(String value) {
        return WORDS.computeIfAbsent(value, v -> Arrays.stream(v.split("[\\s,]+")).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }

    private static String defaultHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
