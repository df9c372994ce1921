package org.murder.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A murder of real processes on the loopback for the proxy's scenario tests: a MUPDATE master ({@code pxmaster}), two
 * backends ({@code be1}, {@code be2}: {@code murder_roles: backend}) and a frontend ({@code fe1}:
 * {@code murder_roles: frontend}), each its own WildFly ({@link StandaloneNode}), started in parallel. Users alice
 * and bob exist on every node; the frontend logs in to the backends as {@link #PROXY}, which the backends list in
 * {@code proxyservers}.
 */
final class ProxyMurder implements AutoCloseable {

    static final String HOST = MurderNode.HOST;
    static final String PROXY = "feproxy";
    static final String PROXY_PASSWORD = "feproxy-pw";
    static final String BOB = "bob";
    static final String BOB_PASSWORD = "bob-pw";
    /** The transparency suite's two users, alike but for their names (of one length: sizes of delivered mail match). */
    static final String TESS_DIRECT = "tessd";
    static final String TESS_PROXIED = "tessf";
    static final String TESS_PASSWORD = "tess-pw";

    /**
     * One node's ports, the launcher's table ({@code docs/topologies.md}): {@code base} + 05 MUPDATE, 10 POP3, 12/13
     * transactions, 24 LMTP, 28/29 IIOP, 43 IMAP, 80 HTTP, 88 HTTPS, 90/93 management — every one a setting, so
     * WildFly's port offset stays 0 and nothing lands in the kernel's ephemeral range (32768-60999), where an
     * outgoing connection may hold a port first.
     */
    record Ports(int base) {
        int imap() {
            return base + 43;
        }

        int lmtp() {
            return base + 24;
        }

        int mupdate() {
            return base + 5;
        }

        int pop3() {
            return base + 10;
        }

        int http() {
            return base + 80;
        }

        StandaloneNode.Builder apply(StandaloneNode.Builder b) {
            return b.setting("imap_port", Integer.toString(imap()))
                    .setting("lmtp_port", Integer.toString(lmtp()))
                    .setting("mupdate_port", Integer.toString(mupdate()))
                    .setting("pop3_port", Integer.toString(pop3()))
                    .setting("http_port", Integer.toString(http()))
                    .setting("https_port", Integer.toString(base + 88))
                    .setting("management_port", Integer.toString(base + 90))
                    .setting("management_https_port", Integer.toString(base + 93))
                    .setting("txn_recovery_port", Integer.toString(base + 12))
                    .setting("txn_status_port", Integer.toString(base + 13))
                    .setting("iiop_port", Integer.toString(base + 28))
                    .setting("iiop_ssl_port", Integer.toString(base + 29));
        }
    }

    /** 30000-30399: the launcher's default base, which tests never share with a running murder of the developer's. */
    static final Ports MASTER = new Ports(30000);
    static final Ports BE1 = new Ports(30100);
    static final Ports BE2 = new Ports(30200);
    static final Ports FE1 = new Ports(30300);
    static final Ports FE2 = new Ports(30400);
    private static final String CLUSTER_USER = "murder-cluster";
    private static final String CLUSTER_PASSWORD = "cluster-pw";

    /**
     * What a scenario needs beyond the proxy suites' murder: a second frontend ({@code fe2}), the Artemis cluster the
     * launcher's topologies run (master and frontends on {@code murder-cluster.xml}: map changes reach the frontends
     * through the topic rather than only by their periodic check), extra settings per role.
     */
    record Options(boolean secondFrontend, boolean clustered, Map<String, String> master, Map<String, String> backends,
                   Map<String, String> frontends) {
        static final Options PROXY = new Options(false, false, Map.of(), Map.of(), Map.of());
    }

    final StandaloneNode master;
    final StandaloneNode be1;
    final StandaloneNode be2;
    final StandaloneNode fe1;
    /** Null unless {@link Options#secondFrontend()}. */
    final StandaloneNode fe2;

    private ProxyMurder(StandaloneNode master, StandaloneNode be1, StandaloneNode be2, StandaloneNode fe1,
                        StandaloneNode fe2) {
        this.master = master;
        this.be1 = be1;
        this.be2 = be2;
        this.fe1 = fe1;
        this.fe2 = fe2;
    }

    static ProxyMurder start() throws Exception {
        return start(Options.PROXY);
    }

    /** With extra settings for both backends (a test's tunables, e.g. a move's pace). */
    static ProxyMurder start(Map<String, String> backendSettings) throws Exception {
        return start(new Options(false, false, Map.of(), backendSettings, Map.of()));
    }

    static ProxyMurder start(Options options) throws Exception {
        StandaloneNode.Builder mb = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-master"), 0),
                "pxmaster", MASTER)
                .setting("murder_roles", "master")
                .setting("mupdate_server", "")
                .setting("mupdate_allowplaintext", "yes")
                // the launcher's REST calls (./murder status on this node) as the node identity
                .setting("murder_node_user", MurderNode.ADMIN)
                .setting("murder_node_password", MurderNode.ADMIN_PASSWORD)
                // the backends start with it: no settling window in which frontends doubt a name their copy lacks
                .setting("murder_master_settle_seconds", "0")
                .listener(HOST, MASTER.mupdate());
        options.master().forEach(mb::setting);
        StandaloneNode master = cluster(mb, options, true).prepare();
        StandaloneNode.Builder b1 = backend("be1", BE1);
        StandaloneNode.Builder b2 = backend("be2", BE2);
        options.backends().forEach(b1::setting);
        options.backends().forEach(b2::setting);
        StandaloneNode be1 = b1.prepare();
        StandaloneNode be2 = b2.prepare();
        StandaloneNode fe1 = frontend("fe1", FE1, options).prepare();
        StandaloneNode fe2 = options.secondFrontend() ? frontend("fe2", FE2, options).prepare() : null;
        List<StandaloneNode> all = fe2 == null ? List.of(master, be1, be2, fe1) : List.of(master, be1, be2, fe1, fe2);
        startAll(all);
        return new ProxyMurder(master, be1, be2, fe1, fe2);
    }

    /** Master and frontends on the Artemis cluster, when the options ask for it (docs/topologies.md). */
    private static StandaloneNode.Builder cluster(StandaloneNode.Builder b, Options options, boolean isMaster) {
        if (!options.clustered()) {
            return b;
        }
        b.config("murder-cluster.xml")
                .setting("murder_cluster", "yes")
                .setting("murder_master_host", HOST)
                .setting("murder_master_http_port", Integer.toString(MASTER.http()))
                .setting("murder_cluster_user", CLUSTER_USER)
                .setting("murder_cluster_password", CLUSTER_PASSWORD);
        if (!isMaster) {
            // only the master consumes the frontends' status reports
            b.setting("murder_record_node_status", "false");
        }
        return b;
    }

    private static StandaloneNode.Builder frontend(String name, Ports p, Options options) {
        StandaloneNode.Builder b = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-" + name), 0), name, p)
                .setting("murder_roles", "frontend")
                .setting("mupdate_master_url", "http://" + HOST + ":" + MASTER.http())
                .setting("murder_node_user", MurderNode.ADMIN)
                .setting("murder_node_password", MurderNode.ADMIN_PASSWORD)
                .setting("murder_map_check_seconds", "1")
                .setting("proxy_authname", PROXY)
                .setting("proxy_password", PROXY_PASSWORD)
                // every proxied session in the suites runs over a compressed backend connection (RFC 4978)
                .setting("proxy_compress", "yes")
                .setting("be1_imap_address", HOST + ":" + BE1.imap())
                .setting("be2_imap_address", HOST + ":" + BE2.imap())
                .setting("be1_lmtp_address", HOST + ":" + BE1.lmtp())
                .setting("be2_lmtp_address", HOST + ":" + BE2.lmtp())
                .setting("be1_pop3_address", HOST + ":" + BE1.pop3())
                .setting("be2_pop3_address", HOST + ":" + BE2.pop3())
                .setting("defaultserver", "be2");
        options.frontends().forEach(b::setting);
        return cluster(b, options, false);
    }

    private static void startAll(List<StandaloneNode> all) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(all.size());
        try {
            List<Future<StandaloneNode>> started = new ArrayList<>();
            for (StandaloneNode n : all) {
                started.add(starters.submit(n::start));
            }
            List<Throwable> failures = new ArrayList<>();
            for (Future<StandaloneNode> f : started) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            if (!failures.isEmpty()) {
                for (StandaloneNode n : all) {
                    n.close();
                }
                AssertionError e = new AssertionError("the murder did not start");
                failures.forEach(e::addSuppressed);
                throw e;
            }
        } finally {
            starters.shutdownNow();
        }
    }

    private static StandaloneNode.Builder backend(String name, Ports p) {
        return common(StandaloneNode.in(StandaloneNode.baseDir("proxy-" + name), 0), name, p)
                .user(PROXY, PROXY_PASSWORD)
                .setting("murder_roles", "backend")
                .setting("proxyservers", PROXY)
                // Cyrus's setting for a murder's backends: a user's subscriptions (kept with the INBOX) may name
                // mailboxes on other backends
                .setting("allowallsubscribe", "yes")
                .setting("mupdate_authname", MurderNode.ADMIN)
                .setting("mupdate_password", MurderNode.ADMIN_PASSWORD)
                // where a push reports the mailboxes the master refused (a mailbox on two backends)
                .setting("mupdate_master_url", "http://" + HOST + ":" + MASTER.http())
                // a mailbox move's destination reads its source as the frontends do (docs/moves.md)
                .setting("proxy_authname", PROXY)
                .setting("proxy_password", PROXY_PASSWORD)
                .setting("be1_imap_address", HOST + ":" + BE1.imap())
                .setting("be2_imap_address", HOST + ":" + BE2.imap())
                .listener(HOST, p.lmtp());
    }

    private static StandaloneNode.Builder common(StandaloneNode.Builder b, String name, Ports p) {
        return p.apply(b).user(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)
                .user(MurderNode.USER, MurderNode.USER_PASSWORD)
                .user(BOB, BOB_PASSWORD)
                .user(TESS_DIRECT, TESS_PASSWORD)
                .user(TESS_PROXIED, TESS_PASSWORD)
                .setting("servername", name)
                .setting("admins", MurderNode.ADMIN)
                .setting("mupdate_server", HOST + ":" + MASTER.mupdate())
                .setting("allowplaintext", "yes")
                .listener(HOST, p.imap());
    }

    /** Waits (at most 60 s) until fe1's copy of the map has {@code mailbox}. */
    static boolean inFrontendCopy(String mailbox) throws InterruptedException {
        return MurderNode.await(java.time.Duration.ofSeconds(60), () -> {
            try {
                return MurderNode.http(FE1.http(), "GET", "/api/copy?prefix=" + mailbox, MurderNode.ADMIN,
                        MurderNode.ADMIN_PASSWORD, false).body().contains("\"" + mailbox + "\"");
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (StandaloneNode n : fe2 == null ? List.of(fe1, be1, be2, master) : List.of(fe1, fe2, be1, be2, master)) {
            n.close();
        }
    }
}
