package org.murder.frontend;

import java.io.Serializable;
import java.time.Instant;

/** A frontend node's copy as last reported: for the console's "who is behind" view. */
public record NodeStatus(String node, long appliedVersion, long mailboxes, Instant reportedAt) implements Serializable {
}
