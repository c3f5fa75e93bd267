package io.guestnode.operator.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guestnode.agents.testing.DecodeBounds;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A request line on the control socket: whatever its bytes, parsing ends in a typed request or a BadRequest naming
 * what is wrong, never in another exception, within 1 s of CPU and 16 MiB of allocation. Names in a request are
 * printable and bounded. Kept inputs live in {@code ControlRequestFuzzTestInputs/requestLine/}.
 */
class ControlRequestFuzzTest {
    static final DecodeBounds BOUNDS = DecodeBounds.of(List.of(ControlRequest.BadRequest.class));
    static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "5s")
    void requestLine(byte[] input) {
        String line = new String(input, 0, Math.min(input.length, ControlServer.MAX_REQUEST), StandardCharsets.UTF_8);
        BOUNDS.check("parsing a control request", () -> {
            ControlRequest r = ControlRequest.parse(line, JSON);
            String names = switch (r) {
                case ControlRequest.Status s -> "";
                case ControlRequest.Simulate s -> "";
                case ControlRequest.Cleanup c -> c.resource() + c.node().orElse("");
                case ControlRequest.SetRole s -> s.resource();
                case ControlRequest.Fence f -> f.guest();
                case ControlRequest.Maintenance m -> m.guest().orElse("");
                case ControlRequest.Reload x -> "";
                case ControlRequest.Place p -> p.resource() + p.node() + p.lifetime();
                case ControlRequest.Clear c -> c.resource();
                case ControlRequest.Standby b -> b.host();
            };
            assertTrue(names.length() <= 2 * ControlRequest.MAX_NAME && names.chars().allMatch(c -> c >= 0x20),
                    "a name that is too long or not printable: " + names);
        });
    }
}
