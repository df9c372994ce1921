package org.murder.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    final StandaloneNode master;
    final StandaloneNode be1;
    final StandaloneNode be2;
    final StandaloneNode fe1;

    private ProxyMurder(StandaloneNode master, StandaloneNode be1, StandaloneNode be2, StandaloneNode fe1) {
        this.master = master;
        this.be1 = be1;
        this.be2 = be2;
        this.fe1 = fe1;
    }

    static ProxyMurder start() throws Exception {
        return start(java.util.Map.of());
    }

    /** With extra settings for both backends (a test's tunables, e.g. a move's pace). */
    static ProxyMurder start(java.util.Map<String, String> backendSettings) throws Exception {
        StandaloneNode master = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-master"), 0),
                "pxmaster", MASTER)
                .setting("murder_roles", "master")
                .setting("mupdate_server", "")
                .setting("mupdate_allowplaintext", "yes")
                .listener(HOST, MASTER.mupdate())
                .prepare();
        StandaloneNode.Builder b1 = backend("be1", BE1);
        StandaloneNode.Builder b2 = backend("be2", BE2);
        backendSettings.forEach((k, v) -> {
            b1.setting(k, v);
            b2.setting(k, v);
        });
        StandaloneNode be1 = b1.prepare();
        StandaloneNode be2 = b2.prepare();
        StandaloneNode fe1 = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-fe1"), 0), "fe1", FE1)
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
                .setting("defaultserver", "be2")
                .prepare();
        List<StandaloneNode> all = List.of(master, be1, be2, fe1);
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
        return new ProxyMurder(master, be1, be2, fe1);
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

    @Override
    public void close() throws IOException, InterruptedException {
        for (StandaloneNode n : List.of(fe1, be1, be2, master)) {
            n.close();
        }
    }
}
