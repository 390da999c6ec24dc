package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelZoo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakTest {

    @Test
    void optionsParseDurationsAndRefuseNonsense() {
        Soak.Options o = Soak.Options.parse(List.of("--soak", "10m", "--every", "15s", "--clients", "3"));
        assertEquals(Duration.ofMinutes(10), o.duration());
        assertEquals(Duration.ofSeconds(15), o.every());
        assertEquals(3, o.clients());
        assertEquals(Duration.ofMinutes(90), Soak.Options.duration("1.5h", "--soak"));
        assertEquals(Duration.ofSeconds(42), Soak.Options.duration("42", "--soak"));
        assertThrows(IllegalArgumentException.class, () -> Soak.Options.parse(List.of("--soak", "25h")));
        assertThrows(IllegalArgumentException.class, () -> Soak.Options.parse(List.of("--soak", "soon")));
        assertThrows(IllegalArgumentException.class, () -> Soak.Options.parse(List.of("--soak", "1m", "--url", "http://x")));
    }

    @Tag("slow")
    @Test
    void aShortSoakRecordsSamplesAndEveryKindOfTraffic(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(ModelZoo.defaultFolder().resolve("router.json")), "no zoo");
        StringWriter text = new StringWriter();
        int rc = Soak.run(Soak.Options.parse(List.of("--soak", "8s", "--every", "2s", "--clients", "3", "--workers", "1",
                "--out", dir.toString())), new PrintWriter(text));
        assertEquals(0, rc);
        List<String> csv = Files.readAllLines(dir.resolve("soak.csv"));
        assertEquals(ProcessSample.CSV_HEADER, csv.get(0));
        assertTrue(csv.size() >= 5, "a sample every 2 s and one at the end: " + csv);
        String summary = Files.readString(dir.resolve("summary.txt"));
        assertTrue(summary.contains("rss") && summary.contains("bad_refused") && summary.contains("completed"), summary);
        for (String row : csv.subList(1, csv.size())) {
            String[] v = row.split(",");
            assertTrue(Double.parseDouble(v[1]) > 0 && Integer.parseInt(v[8]) > 0, "RSS and threads were read: " + row);
        }
    }
}
