package org.murder.it.cyrus;

import java.time.Duration;
import java.util.List;

/**
 * Result of running a Cyrus command line tool (e.g. {@code ctl_mboxlist}).
 *
 * @param command  the full command line that was run
 * @param exitCode the exit code, or -1 if the tool was killed because it exceeded its time limit
 * @param output   stdout and stderr, merged
 * @param elapsed  wall-clock time taken
 */
public record ToolResult(List<String> command, int exitCode, String output, Duration elapsed) {

    public boolean ok() {
        return exitCode == 0;
    }

    public boolean timedOut() {
        return exitCode == -1;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + " in " + elapsed.toMillis() + " ms"
                + (output.isBlank() ? "" : "\n" + output);
    }
}
