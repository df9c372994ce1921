package org.murder.connector.transport;

import org.murder.connector.api.Connection;
import org.murder.connector.api.MupdateListener;
import org.murder.connector.api.ProtocolListener;
import org.murder.protocol.mupdate.MupdateCommandParser;
import org.murder.protocol.mupdate.MupdateResponses;
import org.murder.protocol.mupdate.ParseResult;

/** MUPDATE (RFC 3656) on the transport. */
public final class MupdateBinding extends FrameBinding {

    public MupdateBinding() {
        super("mupdate", MupdateListener.class, MupdateResponses.continuation(), MupdateResponses.bye("Too many connections"),
                MupdateResponses.bye("Service not available"));
    }

    @Override
    void dispatchFrame(ProtocolListener endpoint, Connection connection, byte[] frame) {
        ParseResult result = MupdateCommandParser.parse(frame);
        if (result instanceof ParseResult.Parsed parsed) {
            ((MupdateListener) endpoint).onCommand(connection, parsed.command());
        } else {
            ParseResult.Malformed bad = (ParseResult.Malformed) result;
            endpoint.onBadInput(connection, bad.tag().orElse(""), bad.message());
        }
    }
}
