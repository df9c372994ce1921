package org.murder.protocol.imap;

import java.util.function.Function;

import org.murder.protocol.imap.command.ImapCommand;

/** Parses what follows one command name (the reader is just past the name); one implementation per command. */
@FunctionalInterface
interface CommandArgumentsParser {

    ImapCommand parse(String tag, ImapReader args, ImapParserContext ctx) throws ImapSyntaxException;

    /** A command without arguments: anything after its name is {@code Extra arguments}. */
    static CommandArgumentsParser noArguments(Function<String, ImapCommand> command) {
        return (tag, args, ctx) -> {
            args.end();
            return command.apply(tag);
        };
    }
}
