package org.murder.protocol.mupdate;

import org.murder.protocol.wire.WireSyntaxException;

/** Parses what follows one command name; one implementation per command. */
@FunctionalInterface
interface CommandArgumentsParser {

    MupdateCommand parse(String tag, Arguments args) throws WireSyntaxException;
}
