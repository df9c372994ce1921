package org.murder.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST admin API of the murder. */
@ApplicationPath("/api")
public class MurderApi extends Application {
}
