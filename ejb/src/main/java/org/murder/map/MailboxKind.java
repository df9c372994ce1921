package org.murder.map;

/** A mailbox's state in the map. DELETED exists only in change messages, never in the map. */
public enum MailboxKind { RESERVED, ACTIVE, DELETED }
