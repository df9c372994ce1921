package org.murder.protocol.imap;

import java.util.Map;
import java.util.Optional;

import org.murder.protocol.imap.command.ImapCommand;

/**
 * The admin commands that move a mailbox between our backends (docs/moves.md): {@code XPULL} to the destination,
 * {@code XFREEZE}, {@code XUNFREEZE} and {@code XRELEASE} to the source.
 */
final class MoveCommandParsers {

    static final String INVALID_MOVE_PARAMETER = "Invalid move parameter";

    private MoveCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("XPULL", (tag, args, ctx) -> {
            args.sp();
            String mailbox = args.mailbox(ctx);
            args.sp();
            String server = args.astring(INVALID_MOVE_PARAMETER);
            args.sp();
            String partition = args.astring(INVALID_MOVE_PARAMETER);
            args.end();
            return new ImapCommand.XPull(tag, mailbox, server, partition);
        });
        for (ImapCommand.MoveStep step : ImapCommand.MoveStep.values()) {
            parsers.put("X" + step.name(), (tag, args, ctx) -> {
                args.sp();
                String mailbox = args.mailbox(ctx);
                args.sp();
                String moveId = args.astring(INVALID_MOVE_PARAMETER);
                Optional<String> location = Optional.empty();
                if (step == ImapCommand.MoveStep.RELEASE) {
                    args.sp();
                    location = Optional.of(args.astring(INVALID_MOVE_PARAMETER));
                }
                args.end();
                return new ImapCommand.XMoveStep(tag, step, mailbox, moveId, location);
            });
        }
    }
}
