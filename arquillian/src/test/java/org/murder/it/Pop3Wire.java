package org.murder.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A POP3 client on a bare socket, for the ITs: one command, its status line, a multi-line body when there is one. */
final class Pop3Wire implements AutoCloseable {

    final RawLineClient raw;
    final String greeting;

    Pop3Wire(String host, int port) throws IOException {
        raw = new RawLineClient(host, port);
        greeting = raw.line();
    }

    /** Sends a line, returns the status line. */
    String cmd(String line) throws IOException {
        raw.send(line + "\r\n");
        String status = raw.line();
        if (status == null) {
            throw new IOException("connection closed; no answer to " + line);
        }
        return status;
    }

    /** The lines of a multi-line body up to the lone dot, dot-unstuffed. */
    List<String> body() throws IOException {
        List<String> lines = new ArrayList<>();
        String l;
        while ((l = raw.line()) != null) {
            if (l.equals(".")) {
                return lines;
            }
            lines.add(l.startsWith(".") ? l.substring(1) : l);
        }
        throw new IOException("connection closed inside a multi-line answer: " + lines);
    }

    /** A multi-line command: its body, or an exception with the status when it was not {@code +OK}. */
    List<String> multi(String line) throws IOException {
        String status = cmd(line);
        if (!status.startsWith("+OK")) {
            throw new IOException(line + " → " + status);
        }
        return body();
    }

    /** RETR/TOP's body as bytes, CRLF restored, dot-unstuffed. */
    byte[] message(String line) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String l : multi(line)) {
            out.writeBytes(l.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** STLS, then the handshake (trusting any certificate: the node's is a throw-away one). */
    Pop3Wire stls() throws IOException {
        String ok = cmd("STLS");
        if (!ok.startsWith("+OK")) {
            throw new IOException("STLS → " + ok);
        }
        raw.handshake(MurderNode.trustAll());
        return this;
    }

    /** USER and PASS; the PASS answer. */
    String login(String user, String password) throws IOException {
        String u = cmd("USER " + user);
        return u.startsWith("+OK") ? cmd("PASS " + password) : u;
    }

    /** UIDL's listing as "n uid" lines. */
    List<String> uidl() throws IOException {
        return multi("UIDL");
    }

    /** Runs a Python script (a client library's session) and returns what it printed; fails on a non-zero exit. */
    static String python(String script, String... args) throws IOException, InterruptedException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("pop3it", ".py");
        try {
            java.nio.file.Files.writeString(file, script);
            List<String> command = new ArrayList<>(List.of("python3", file.toString()));
            command.addAll(List.of(args));
            Process py = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!py.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                py.destroyForcibly();
                throw new AssertionError("python did not finish within 60 s");
            }
            String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (py.exitValue() != 0) {
                throw new AssertionError("python exited " + py.exitValue() + ": " + out);
            }
            return out;
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** Delivers {@code message} to {@code user} over LMTP at {@code host:port} (a trusted loopback client); asserts 250. */
    static void deliver(String host, int port, String user, byte[] message) throws IOException {
        try (org.murder.protocol.lmtp.LmtpClient c = new org.murder.protocol.lmtp.LmtpClient(host, port,
                java.time.Duration.ofSeconds(20))) {
            check(c.greeting().code() == 220, "LMTP greeting");
            check(c.lhlo("pop3it.example.org").code() == 250, "LHLO");
            org.murder.protocol.lmtp.LmtpClient.Delivery d = c.deliver(
                    org.murder.protocol.lmtp.LmtpCommand.Mail.of(org.murder.protocol.lmtp.ReversePath.of(
                            org.murder.protocol.lmtp.Address.of("sender", "example.org"))),
                    List.of(org.murder.protocol.lmtp.LmtpCommand.Rcpt.of(org.murder.protocol.lmtp.ForwardPath.of(
                            org.murder.protocol.lmtp.Address.local(user)))),
                    new java.io.ByteArrayInputStream(message));
            check(d.outcomes().get(0).code() == 250, d.toString());
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    static Optional<String> code(String status) {
        int open = status.indexOf('[');
        int close = status.indexOf(']');
        return status.startsWith("-ERR [") && close > open ? Optional.of(status.substring(open + 1, close)) : Optional.empty();
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
