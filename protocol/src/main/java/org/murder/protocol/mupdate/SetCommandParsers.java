package org.murder.protocol.mupdate;

import java.util.Map;

/** The commands that change the mailbox map (Cyrus's {@code cmd_set} family): master-only writes. */
final class SetCommandParsers {

    private SetCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("ACTIVATE", (tag, args) -> {
            var command = new MupdateCommand.Activate(tag, args.mailbox(), args.location(), args.acl());
            args.end();
            return command;
        });
        parsers.put("DEACTIVATE", (tag, args) -> {
            var command = new MupdateCommand.Deactivate(tag, args.mailbox(), args.location());
            args.end();
            return command;
        });
        parsers.put("RESERVE", (tag, args) -> {
            var command = new MupdateCommand.Reserve(tag, args.mailbox(), args.location());
            args.end();
            return command;
        });
        parsers.put("DELETE", (tag, args) -> {
            var command = new MupdateCommand.Delete(tag, args.mailbox());
            args.end();
            return command;
        });
    }
}
