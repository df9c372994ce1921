package org.murder.web;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.murder.config.MurderSettings;

/**
 * The lock on the admin surface (the REST API and the console), after the container has authenticated the caller
 * (HTTP BASIC, web.xml):
 * <ul>
 * <li>only a user of the {@code admins} setting gets through; anyone else authenticated gets 403;</li>
 * <li>a request that may change something (anything but GET, HEAD, OPTIONS) must carry {@link #CSRF_HEADER}.
 * A browser sends the BASIC credentials it remembers with a cross-site form post too, but no cross-site page can add
 * a header of its own without a CORS preflight, which this API never approves; so a request with the header came
 * from our console, the launcher or another program, not from a page the admin happened to visit.</li>
 * </ul>
 */
@WebFilter("/*")
public class AdminFilter extends HttpFilter {

    /** The header every state-changing request must carry (any value), as Jersey's CsrfProtectionFilter asks. */
    public static final String CSRF_HEADER = "X-Requested-By";

    @Inject
    MurderSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Principal user = request.getUserPrincipal();
        if (user == null) { // the constraint of web.xml asks for credentials first; never reached unless it is removed
            response.setHeader("WWW-Authenticate", "Basic realm=\"murder\", charset=\"UTF-8\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        if (!settings.admins().contains(user.getName())) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, user.getName() + " is not an admin (admins setting)");
            return;
        }
        if (!safe(request.getMethod()) && request.getHeader(CSRF_HEADER) == null) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    request.getMethod() + " needs the " + CSRF_HEADER + " header (cross-site request protection)");
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean safe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }
}
