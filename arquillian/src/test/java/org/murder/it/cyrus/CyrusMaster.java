package org.murder.it.cyrus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Cyrus' own MUPDATE master ({@code mupdate -m}, prefork=1) on {@code ip:port}. Only a stand-in for our master in
 * the harness self-test. Every backend's {@code mupdate_authname} and every frontend slave's user must be listed
 * in {@code admins} and exist in this instance's sasldb ({@link #createUser}): only admins may authenticate.
 */
public class CyrusMaster extends CyrusInstance {

    private final int port;
    private final List<String> admins;

    public CyrusMaster(Path dir, String ip, int port, String... admins) {
        super("mupdate-master", ip, dir);
        if (admins.length == 0) {
            throw new IllegalArgumentException("a MUPDATE master needs at least one admin");
        }
        this.port = port;
        this.admins = List.of(admins);
        this.admins.forEach(a -> requireSafe("admin", a));
    }

    public int port() {
        return port;
    }

    public List<String> admins() {
        return admins;
    }

    @Override
    protected void roleOptions(Map<String, String> o) {
        o.put("admins", String.join(" ", admins));
    }

    @Override
    protected List<Service> services() {
        return List.of(new Service("mupdate", "mupdate", List.of("-m"), port, 1, "* AUTH"));
    }

    // covariant overrides, for fluent set-up

    @Override
    public CyrusMaster createUser(String user, String password) {
        super.createUser(user, password);
        return this;
    }

    @Override
    public CyrusMaster createUsers(Map<String, String> usersAndPasswords) {
        super.createUsers(usersAndPasswords);
        return this;
    }

    @Override
    public CyrusMaster option(String key, String value) {
        super.option(key, value);
        return this;
    }

    @Override
    public CyrusMaster start() {
        super.start();
        return this;
    }

    @Override
    public CyrusMaster start(Duration timeout) {
        super.start(timeout);
        return this;
    }
}
