package org.murder.protocol.mupdate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.murder.protocol.wire.WireSyntaxException;

/** The commands that read the mailbox map: FIND, LIST and UPDATE. */
final class QueryCommandParsers {

    /** Cyrus stops at 30 PARTIAL-UPDATE hosts ("Extra arguments" beyond); so do we. */
    static final int MAX_UPDATE_HOSTS = 30;

    private QueryCommandParsers() {
    }

    static void register(Map<String, CommandArgumentsParser> parsers) {
        parsers.put("FIND", (tag, args) -> {
            var command = new MupdateCommand.Find(tag, args.mailbox());
            args.end();
            return command;
        });
        parsers.put("LIST", (tag, args) -> {
            Optional<String> prefix = args.hasMore()
                    ? Optional.of(MupdateSyntax.locationPrefix(args.string()))
                    : Optional.empty();
            args.end();
            return new MupdateCommand.ListMailboxes(tag, prefix);
        });
        parsers.put("UPDATE", (tag, args) -> {
            List<String> hosts = new ArrayList<>();
            while (args.hasMore()) {
                String host = MupdateSyntax.host(args.string());
                if (hosts.size() == MAX_UPDATE_HOSTS) {
                    throw new WireSyntaxException(Arguments.EXTRA);
                }
                hosts.add(host);
            }
            args.end();
            return new MupdateCommand.Update(tag, hosts);
        });
    }
}
