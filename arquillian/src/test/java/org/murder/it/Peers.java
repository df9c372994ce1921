package org.murder.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real peers the interop tests need (Debian's Cyrus, Python, root for Cyrus's ports). By default
 * ({@code -Dinterop.required=true}, as {@code mvn -B verify} and CI run) a missing peer fails the test; a developer
 * without them may pass {@code -Dinterop.required=false} to skip those tests instead.
 */
public final class Peers {

    public static final boolean REQUIRED = !"false".equalsIgnoreCase(System.getProperty("interop.required", "true"));

    private Peers() {
    }

    /** Whether this JVM runs as root (Cyrus's services bind ports below 1024 and switch to user cyrus). */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    public static void require(boolean present, String what) {
        if (REQUIRED) {
            assertTrue(present, what + " (interop.required; -Dinterop.required=false skips instead)");
        } else {
            assumeTrue(present, what);
        }
    }
}
