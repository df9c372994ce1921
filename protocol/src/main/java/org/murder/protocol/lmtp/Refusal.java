package org.murder.protocol.lmtp;

/**
 * Thrown inside the parser to give up on a command with the reply that refuses it; {@link LmtpCommandParser}
 * turns it into a {@link LmtpParseResult.Malformed}. Never leaves the package.
 */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    final int code;
    final String enhancedStatus;

    Refusal(int code, String enhancedStatus, String text) {
        super(text, null, false, false);
        this.code = code;
        this.enhancedStatus = enhancedStatus;
    }

    LmtpParseResult.Malformed malformed() {
        return new LmtpParseResult.Malformed(code, enhancedStatus, getMessage());
    }

    static Refusal syntax(String text) {
        return new Refusal(501, "5.5.4", text);
    }
}
