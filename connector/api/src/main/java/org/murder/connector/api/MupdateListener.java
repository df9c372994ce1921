package org.murder.connector.api;

import org.murder.protocol.mupdate.MupdateCommand;

/** Message listener interface of MUPDATE (RFC 3656) endpoints. */
public interface MupdateListener extends ProtocolListener {

    void onCommand(Connection connection, MupdateCommand command);
}
