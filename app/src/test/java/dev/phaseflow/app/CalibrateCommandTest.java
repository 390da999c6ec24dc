package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code phaseflow calibrate}'s options: named values reach the command, bad ones fail naming the option. */
class CalibrateCommandTest {

    @Test
    void parsesNamedOptions() {
        CalibrateCommand c = new CalibrateCommand();
        new CommandLine(c).parseArgs("--zoo", "z", "--images", "200", "--tolerance", "0.05");
        assertEquals(Path.of("z"), c.common.zoo);
        assertEquals(200, c.images);
        assertEquals(0.05, c.tolerance);
        assertNull(c.points);
        assertNull(c.out);

        CalibrateCommand none = new CalibrateCommand();
        new CommandLine(none).parseArgs();
        assertNull(none.common.zoo);
        assertNull(none.images);
        assertNull(none.global, "the default global model is picked from the zoo");
        assertNull(none.local);
        assertEquals(1.05, none.maxFdRatio);
        assertEquals(1000, none.searchImages);
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        for (String[] args : new String[][] {{"calibrate", "--imgs", "5"}, {"calibrate", "zoo"}, {"calibrate", "--out"},
                {"calibrate", "--images", "many"}}) {
            ServeCommandTest.Run r = ServeCommandTest.run(args);
            assertEquals(Phaseflow.USAGE, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("'" + args[1] + "'"), "the error names " + args[1] + ":\n" + r.err());
        }
    }
}
