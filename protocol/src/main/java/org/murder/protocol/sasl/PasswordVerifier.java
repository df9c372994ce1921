package org.murder.protocol.sasl;

/** Checks a user's password. The array is wiped by the caller after the call: do not keep it. */
@FunctionalInterface
public interface PasswordVerifier {

    boolean verify(String authcid, char[] password);
}
