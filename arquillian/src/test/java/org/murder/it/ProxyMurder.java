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

    /** One node's ports: WildFly's offset and our listeners. */
    record Ports(int offset) {
        int imap() {
            return offset + 1143;
        }

        int lmtp() {
            return offset + 2003;
        }

        int mupdate() {
            return offset + 3905;
        }

        int pop3() {
            return offset + 1110;
        }

        int http() {
            return offset + 8080;
        }
    }

    static final Ports MASTER = new Ports(39000);
    static final Ports BE1 = new Ports(40000);
    static final Ports BE2 = new Ports(41000);
    static final Ports FE1 = new Ports(42000);

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
        StandaloneNode master = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-master"), MASTER.offset()),
                "pxmaster", MASTER)
                .setting("murder_roles", "master")
                .setting("mupdate_server", "")
                .setting("mupdate_allowplaintext", "yes")
                .listener(HOST, MASTER.mupdate())
                .prepare();
        StandaloneNode be1 = backend("be1", BE1).prepare();
        StandaloneNode be2 = backend("be2", BE2).prepare();
        StandaloneNode fe1 = common(StandaloneNode.in(StandaloneNode.baseDir("proxy-fe1"), FE1.offset()), "fe1", FE1)
                .setting("murder_roles", "frontend")
                .setting("mupdate_master_url", "http://" + HOST + ":" + MASTER.http())
                .setting("murder_node_user", MurderNode.ADMIN)
                .setting("murder_node_password", MurderNode.ADMIN_PASSWORD)
                .setting("murder_map_check_seconds", "1")
                .setting("proxy_authname", PROXY)
                .setting("proxy_password", PROXY_PASSWORD)
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
        return common(StandaloneNode.in(StandaloneNode.baseDir("proxy-" + name), p.offset()), name, p)
                .user(PROXY, PROXY_PASSWORD)
                .setting("murder_roles", "backend")
                .setting("proxyservers", PROXY)
                .setting("mupdate_authname", MurderNode.ADMIN)
                .setting("mupdate_password", MurderNode.ADMIN_PASSWORD)
                .listener(HOST, p.lmtp());
    }

    private static StandaloneNode.Builder common(StandaloneNode.Builder b, String name, Ports p) {
        return b.user(MurderNode.ADMIN, MurderNode.ADMIN_PASSWORD)
                .user(MurderNode.USER, MurderNode.USER_PASSWORD)
                .user(BOB, BOB_PASSWORD)
                .user(TESS_DIRECT, TESS_PASSWORD)
                .user(TESS_PROXIED, TESS_PASSWORD)
                .setting("servername", name)
                .setting("admins", MurderNode.ADMIN)
                .setting("mupdate_server", HOST + ":" + MASTER.mupdate())
                .setting("allowplaintext", "yes")
                .setting("http_port", "8080")
                .setting("imap_port", Integer.toString(p.imap()))
                .setting("lmtp_port", Integer.toString(p.lmtp()))
                .setting("mupdate_port", Integer.toString(p.mupdate()))
                .setting("pop3_port", Integer.toString(p.pop3()))
                .listener(HOST, p.imap());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (StandaloneNode n : List.of(fe1, be1, be2, master)) {
            n.close();
        }
    }
}
