package org.murder.lmtp.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;

/**
 * How this frontend reaches one backend's LMTP and logs in there (Cyrus's {@code <server>_…} settings).
 *
 * @param server     the backend's name in the map (the {@code server} of {@code server!partition}); the pool's key
 * @param address    where its LMTP listens (resolved)
 * @param lhloName   the name this node gives in LHLO (its servername)
 * @param tls        STARTTLS before anything else ({@code <server>_tls})
 * @param authname   who to authenticate as ({@code proxy_authname}, {@code <server>_authname})
 * @param password   its password; empty: do not authenticate (a backend that trusts this frontend's address)
 * @param mechanisms SASL mechanisms allowed there ({@code <server>_mechs}); empty: any in common
 */
public record BackendProfile(String server, InetSocketAddress address, String lhloName, boolean tls, String authname,
                             String password, Set<String> mechanisms) {

    public BackendProfile {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(lhloName, "lhloName");
        Objects.requireNonNull(authname, "authname");
        Objects.requireNonNull(password, "password");
        mechanisms = Set.copyOf(mechanisms);
    }

    /** A backend reached without TLS or AUTH (tests; a backend that trusts the frontend's address). */
    public static BackendProfile plain(String server, InetSocketAddress address, String lhloName) {
        return new BackendProfile(server, address, lhloName, false, "", "", Set.of());
    }

    @Override
    public String toString() {
        return server + " (" + address + ")"; // never the password
    }
}
