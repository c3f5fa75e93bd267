package io.guestnode.operator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guestnode.operator.faults.FaultMatrix.Line;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast rows of the fault matrix (each under 30 s; none touches the host's libvirtd), on three LXC guests with the
 * daemon as its own process, each row held against the independent observer. bin/faults runs them all.
 */
class FaultMatrixIT {
    @TempDir
    Path dir;

    @Test
    void everyFastRowHoldsAndNothingRunsTwice() throws Exception {
        List<Row> fast = FaultMatrix.all().stream().filter(r -> r.speed() == Row.Speed.FAST).toList();
        List<Line> lines;
        try (FaultRun run = FaultMatrix.startRun(dir, Options.DEFAULT_GUESTS)) {
            try {
                lines = FaultMatrix.run(run, fast);
            } finally {
                run.lab.close();
            }
        }
        String table = Table.render(lines);
        assertEquals(fast.size(), lines.size(), table);
        assertTrue(FaultMatrix.allPassed(lines), table);
    }
}
