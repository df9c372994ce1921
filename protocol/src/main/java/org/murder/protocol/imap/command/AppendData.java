package org.murder.protocol.imap.command;

/** What one message of an APPEND is made of: a literal, or CATENATE's parts (RFC 4469). */
public sealed interface AppendData permits MessageLiteral, Catenate {
}
