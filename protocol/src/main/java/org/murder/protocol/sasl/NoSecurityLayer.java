package org.murder.protocol.sasl;

import javax.security.sasl.Sasl;

/**
 * What every mechanism of ours, server or client, says about a security layer: there is none (QOP {@code auth}),
 * and nothing is negotiated before the exchange completes.
 */
final class NoSecurityLayer {

    private NoSecurityLayer() {
    }

    /** wrap/unwrap: never possible. */
    static byte[] refuse(String mechanism, boolean complete) {
        requireComplete(mechanism, complete);
        throw new IllegalStateException(mechanism + " has no security layer");
    }

    /** getNegotiatedProperty: QOP {@code auth}, nothing else. */
    static Object property(String mechanism, boolean complete, String propName) {
        requireComplete(mechanism, complete);
        return Sasl.QOP.equals(propName) ? "auth" : null;
    }

    static void requireComplete(String mechanism, boolean complete) {
        if (!complete) {
            throw new IllegalStateException(mechanism + " authentication not completed");
        }
    }
}
