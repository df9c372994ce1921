package org.murder.protocol.mupdate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.murder.protocol.mupdate.MupdateResponse.Status;
import org.murder.protocol.testing.RecordingSink;
import org.murder.protocol.wire.FrameDecoder;

/** Encoder → framer → parser must give back the value, for both directions, with awkward strings. */
class MupdateCodecRoundTripTest {

    /** Names a proxy must carry unchanged: spaces, quotes, backslashes, braces, UTF-8, look-alike literals. */
    static final List<String> NAMES = List.of(
            "user.alice", "user.alice.Sent Items", "say \"hi\"", "back\\slash\\", "\\\"", "user.jürgen.Entwürfe",
            "日本語.メール", "emoji 📬", "{5}", "x {3+}", "ends with {0}", "tab\tinside", "*", "%", "(paren)", "NIL", "+",
            "a".repeat(3000));

    static final List<String> ACLS = List.of("", "alice\tlrswipkxtecdan\t", "anyone\tlrs\tjörg\tlr\t", "a \"b\" \\c");

    static final List<Location> LOCATIONS = List.of(
            new Location("127.0.0.11", "default"), new Location("127.0.0.11", ""), new Location("be1.example", "p ü"),
            new Location("h", "{3}"));

    static Stream<MupdateCommand> commands() {
        List<MupdateCommand> all = new ArrayList<>();
        int i = 0;
        for (String name : NAMES) {
            String tag = "X" + i++;
            Location location = LOCATIONS.get(i % LOCATIONS.size());
            all.add(new MupdateCommand.Activate(tag, name, location, ACLS.get(i % ACLS.size())));
            all.add(new MupdateCommand.Deactivate(tag, name, location));
            all.add(new MupdateCommand.Reserve(tag, name, location));
            all.add(new MupdateCommand.Delete(tag, name));
            all.add(new MupdateCommand.Find(tag, name));
            all.add(new MupdateCommand.ListMailboxes(tag, Optional.of(name)));
            all.add(new MupdateCommand.Update(tag, List.of(name, "second host")));
        }
        for (String acl : ACLS) {
            all.add(new MupdateCommand.Activate("A", "m", LOCATIONS.get(0), acl));
        }
        all.add(new MupdateCommand.ListMailboxes("L", Optional.empty()));
        all.add(new MupdateCommand.ListMailboxes("L", Optional.of("")));
        all.add(new MupdateCommand.Update("U01", List.of()));
        all.add(new MupdateCommand.Authenticate("A01", "PLAIN", Optional.of("AG11cmRlcgBtdXJkZXItRkFLRS1wdw==")));
        all.add(new MupdateCommand.Authenticate("A01", "LOGIN", Optional.empty()));
        all.add(new MupdateCommand.Authenticate("A01", "PLAIN", Optional.of("=")));
        all.add(new MupdateCommand.Noop("N1"));
        all.add(new MupdateCommand.Logout("Q01"));
        all.add(new MupdateCommand.StartTls("S01"));
        all.add(new MupdateCommand.Compress("Z01", "DEFLATE"));
        return all.stream();
    }

    static Stream<MupdateResponse> responses() {
        List<MupdateResponse> all = new ArrayList<>();
        int i = 0;
        for (String name : NAMES) {
            Location location = LOCATIONS.get(i % LOCATIONS.size());
            all.add(new MupdateResponse.MailboxData("U01", name, location, ACLS.get(i % ACLS.size())));
            all.add(new MupdateResponse.ReserveData("X" + i, name, location));
            all.add(new MupdateResponse.DeleteData("U01", name));
            all.add(new MupdateResponse.Completion("T" + i, Status.values()[i % 3], name));
            all.add(new MupdateResponse.Bye(name));
            all.add(new MupdateResponse.Capability("X-" + i, List.of(name, "second")));
            all.add(new MupdateResponse.Greeting(name, "Murder", "0.1 \"beta\"", "(master)"));
            i++;
        }
        all.add(new MupdateResponse.Capability("AUTH", List.of()));
        all.add(new MupdateResponse.Capability("PARTIAL-UPDATE", List.of()));
        all.add(new MupdateResponse.Completion("T", Status.OK, ""));
        all.add(new MupdateResponse.Continuation("go ahead"));
        all.add(new MupdateResponse.Continuation(""));
        all.add(new MupdateResponse.SaslChallengeLine("VXNlcm5hbWU6"));
        all.add(new MupdateResponse.SaslChallengeLine(""));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("commands")
    void commandSurvivesEncodeFrameParse(MupdateCommand command) {
        byte[] wire = MupdateCommandEncoder.encode(command);
        for (List<byte[]> frames : List.of(frames(wire, false), frames(wire, true))) {
            assertEquals(1, frames.size());
            assertEquals(new ParseResult.Parsed(command), MupdateCommandParser.parse(frames.get(0)));
        }
    }

    @ParameterizedTest
    @MethodSource("responses")
    void responseSurvivesEncodeFrameParse(MupdateResponse response) {
        byte[] wire = MupdateResponses.encode(response);
        for (List<byte[]> frames : List.of(frames(wire, false), frames(wire, true))) {
            assertEquals(1, frames.size());
            assertEquals(response, MupdateResponseParser.parse(frames.get(0)));
        }
    }

    @Test
    void bannerSurvivesFramingAndParsing() {
        byte[] wire = MupdateResponses.banner(List.of("PLAIN", "LOGIN"), true, true, "mupdate.example", "Murder",
                "0.1", false, "master.example");
        List<MupdateResponse> parsed = frames(wire, true).stream().map(MupdateResponseParser::parse).toList();
        assertEquals(List.of(
                new MupdateResponse.Capability("AUTH", List.of("PLAIN", "LOGIN")),
                new MupdateResponse.Capability("STARTTLS", List.of()),
                new MupdateResponse.Capability("COMPRESS", List.of("DEFLATE")),
                new MupdateResponse.Capability("PARTIAL-UPDATE", List.of()),
                new MupdateResponse.Greeting("mupdate.example", "Murder", "0.1", "mupdate://master.example")), parsed);
    }

    private static List<byte[]> frames(byte[] wire, boolean bytewise) {
        FrameDecoder decoder = new FrameDecoder(8192, 1 << 20, 1 << 22);
        RecordingSink sink = new RecordingSink();
        if (bytewise) {
            for (byte b : wire) {
                decoder.decode(ByteBuffer.wrap(new byte[] {b}), sink);
            }
        } else {
            decoder.decode(ByteBuffer.wrap(wire), sink);
        }
        assertEquals(0, sink.events.stream().filter(e -> !(e instanceof RecordingSink.Frame)).count(), "only frames");
        return sink.frames();
    }
}
