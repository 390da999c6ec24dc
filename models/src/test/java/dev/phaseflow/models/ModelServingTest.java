package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's {@code serving} settings in model.json: read when present, defaults when absent, bad values named. */
class ModelServingTest {
    @TempDir
    Path tmp;

    private Path withServing(String serving) throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m" + Math.abs(serving.hashCode())));
        Path manifest = folder.resolve("model.json");
        String json = Files.readString(manifest);
        String edit = "\"role\": \"global\",";
        assertTrue(json.contains(edit));
        Files.writeString(manifest, json.replace(edit, edit + "\n  \"serving\": " + serving + ","));
        return folder;
    }

    @Test
    void absentServingMeansEveryDefault() throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("plain"));
        ModelServing s = ManifestReader.read(folder).serving();
        assertTrue(s.isDefault());
        assertEquals(ModelServing.DEFAULTS, s);
    }

    @Test
    void everyFieldIsRead() throws IOException {
        ModelServing s = ManifestReader.read(withServing(
                "{\"max_batch_size\": 16, \"max_queue_delay_ms\": 0.5, \"instance_count\": 3}")).serving();
        assertEquals(16, s.maxBatchSize().getAsInt());
        assertEquals(Duration.ofNanos(500_000), s.maxQueueDelay().get());
        assertEquals(3, s.instanceCount().getAsInt());
    }

    @Test
    void fieldsLeftOutStayDefault() throws IOException {
        ModelServing s = ManifestReader.read(withServing("{\"instance_count\": 1}")).serving();
        assertTrue(s.maxBatchSize().isEmpty());
        assertTrue(s.maxQueueDelay().isEmpty());
        assertEquals(1, s.instanceCount().getAsInt());
    }

    @Test
    void badValuesNameTheFileAndField() throws IOException {
        String[][] cases = {
                {"{\"max_batch_size\": 0}", "'serving.max_batch_size'"},
                {"{\"max_batch_size\": 2.5}", "'serving.max_batch_size'"},
                {"{\"instance_count\": \"two\"}", "'serving.instance_count'"},
                {"{\"max_queue_delay_ms\": -1}", "'serving.max_queue_delay_ms'"},
                {"{\"max_batch\": 8}", "'serving.max_batch'"},
                {"[8]", "'serving'"},
        };
        for (String[] c : cases) {
            Path folder = withServing(c[0]);
            ModelException e = assertThrows(ModelException.class, () -> ManifestReader.read(folder), c[0]);
            assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains(c[1]),
                    c[0] + " gave '" + e.getMessage() + "'");
        }
    }
}
