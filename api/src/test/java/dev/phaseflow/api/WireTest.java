package dev.phaseflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire records write exactly the JSON the server wrote by hand before them (each string below
 * was printed by that SseFrames), read it back to equal records, and name the field of a bad value.
 */
class WireTest {
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4XmNgaGDY/x8ABIMCP2k2knUAAAAASUVORK5CYII=";

    static final SampleRequestBody REQUEST = new SampleRequestBody(2, 3, "euler", "karras", "hybrid", 7L, 2, 1.0, null);

    static Stream<Arguments> events() {
        Map<String, Long> byRoute = new LinkedHashMap<>();
        byRoute.put("local", 2L);
        byRoute.put("global", 4L);
        Map<String, Long> byModel = new LinkedHashMap<>();
        byModel.put("global-unet", 4L);
        byModel.put("local-r4", 2L);
        return Stream.of(
                Arguments.of(new StartedEvent("r-1", REQUEST, List.of(80.0, 1.5, 0.002, 0.0), List.of("global-unet", "local-r4"),
                        List.of(new StartedEvent.Tier("global-unet", "global", "full", 1.0),
                                new StartedEvent.Tier("local-r4", "local", "small", 0.12221),
                                new StartedEvent.Tier("gaussian", "global", "unmeasured", null))),
                        "{\"request_id\":\"r-1\",\"request\":{\"count\":2,\"steps\":3,\"solver\":\"euler\",\"schedule\":\"karras\","
                                + "\"mode\":\"hybrid\",\"seed\":7,\"preview_every\":2,\"eta\":1.0},\"sigmas\":[80.0,1.5,0.002,0.0],"
                                + "\"models\":[\"global-unet\",\"local-r4\"],\"model_tiers\":[{\"model\":\"global-unet\",\"route\":"
                                + "\"global\",\"tier\":\"full\",\"relative_cost\":1.0},{\"model\":\"local-r4\",\"route\":\"local\","
                                + "\"tier\":\"small\",\"relative_cost\":0.12221},{\"model\":\"gaussian\",\"route\":\"global\","
                                + "\"tier\":\"unmeasured\"}]}"),
                Arguments.of(new StepEvent(0, 80.0, "global", "global-unet", List.of("global-unet"), null, null),
                        "{\"index\":0,\"sigma\":80.0,\"route\":\"global\",\"model\":\"global-unet\",\"models\":[\"global-unet\"]}"),
                Arguments.of(new StepEvent(2, 0.002, "local", "local-r4", List.of("local-r4", "local-r4"), PNG, 0.0123),
                        "{\"index\":2,\"sigma\":0.002,\"route\":\"local\",\"model\":\"local-r4\",\"models\":[\"local-r4\",\"local-r4\"],"
                                + "\"preview\":\"" + PNG + "\",\"delta\":0.0123}"),
                Arguments.of(new ImageEvent(0, PNG), "{\"index\":0,\"png\":\"" + PNG + "\"}"),
                Arguments.of(new CompletedEvent(2, byRoute, byModel, 1.23456789),
                        "{\"images\":2,\"evaluations_by_route\":{\"local\":2,\"global\":4},\"evaluations_by_model\":"
                                + "{\"global-unet\":4,\"local-r4\":2},\"wall_seconds\":1.23456789}"),
                Arguments.of(new ErrorBody("sampling_failed", "model 'x' failed", null),
                        "{\"error\":\"sampling_failed\",\"message\":\"model 'x' failed\"}"),
                Arguments.of(new ErrorBody("invalid_request", "count must be between 1 and 256, got 0", "count"),
                        "{\"error\":\"invalid_request\",\"message\":\"count must be between 1 and 256, got 0\",\"field\":\"count\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void eachEventWritesTodaysBytesAndReadsBackEqual(Object event, String json) throws Exception {
        assertEquals(json, Wire.write(event));
        assertEquals(event, Wire.bind(Wire.mapper().readTree(json), event.getClass()));
    }

    @Test
    void theRequestBodyIsTheLoadTestClientsAndLeavesOutWhatIsNotSet() throws Exception {
        String json = "{\"count\":2,\"steps\":3,\"solver\":\"euler\",\"schedule\":\"karras\",\"mode\":\"hybrid\",\"seed\":7,"
                + "\"preview_every\":2,\"eta\":1.0}";
        assertEquals(json, Wire.write(REQUEST));
        assertEquals(REQUEST, Wire.bind(Wire.mapper().readTree(json), SampleRequestBody.class));
        SampleRequestBody timed = Wire.bind(Wire.mapper().readTree("{\"timeout\": 2.5, \"count\": null}"), SampleRequestBody.class);
        assertEquals(new SampleRequestBody(null, null, null, null, null, null, null, null, 2.5), timed);
        assertEquals("{\"timeout\":2.5}", Wire.write(timed));
        assertEquals(List.of("count", "steps", "solver", "schedule", "mode", "seed", "preview_every", "eta", "timeout"),
                SampleRequestBody.FIELDS);
    }

    /** body, field at fault, message. */
    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"count\": \"x\"}", "count", "count must be a 32-bit integer, got a string \"x\""),
                Arguments.of("{\"count\": \"5\"}", "count", "count must be a 32-bit integer, got a string \"5\""),
                Arguments.of("{\"count\": \"\"}", "count", "count must be a 32-bit integer, got a string \"\""),
                Arguments.of("{\"count\": 1.5}", "count", "count must be a 32-bit integer, got the number 1.5"),
                Arguments.of("{\"count\": 99999999999}", "count", "count must be a 32-bit integer, got the number 99999999999"),
                Arguments.of("{\"count\": true}", "count", "count must be a 32-bit integer, got the boolean true"),
                Arguments.of("{\"steps\": [4]}", "steps", "steps must be a 32-bit integer, got an array [4]"),
                Arguments.of("{\"seed\": 100000000000000000000}", "seed",
                        "seed must be a 64-bit integer, got the number 100000000000000000000"),
                Arguments.of("{\"solver\": 3}", "solver", "solver must be a string, got the number 3"),
                Arguments.of("{\"mode\": true}", "mode", "mode must be a string, got the boolean true"),
                Arguments.of("{\"eta\": \"0.5\"}", "eta", "eta must be a number, got a string \"0.5\""),
                Arguments.of("{\"preview_every\": {\"k\": 1}}", "preview_every",
                        "preview_every must be a 32-bit integer, got an object {\"k\":1}"),
                Arguments.of("{\"count\": 1, \"colour\": \"red\"}", "colour", "unknown field 'colour' (allowed: count, steps, "
                        + "solver, schedule, mode, seed, preview_every, eta, timeout)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadValueIsNamedByItsField(String body, String field, String message) throws Exception {
        JsonNode tree = Wire.mapper().readTree(body);
        WireException e = assertThrows(WireException.class, () -> Wire.bind(tree, SampleRequestBody.class));
        assertEquals(field, e.field());
        assertEquals(message, e.getMessage());
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() throws Exception {
        JsonNode tree = Wire.mapper().readTree("{\"request_id\": \"r\", \"model_tiers\": [{\"route\": \"local\"}, {\"route\": 4}]}");
        WireException e = assertThrows(WireException.class, () -> Wire.bind(tree, StartedEvent.class));
        assertEquals("model_tiers[1].route", e.field());
        assertEquals("model_tiers[1].route must be a string, got the number 4", e.getMessage());

        JsonNode summary = Wire.mapper().readTree("{\"window\": {\"sigma_lo\": \"low\"}}");
        e = assertThrows(WireException.class, () -> Wire.bind(summary, CalibrationSummary.class));
        assertEquals("window.sigma_lo", e.field());
        assertEquals("window.sigma_lo must be a number, got a string \"low\"", e.getMessage());
    }

    @Test
    void readersOfEventsIgnoreFieldsTheyDoNotKnowAndTakeKindForError() throws Exception {
        StepEvent step = Wire.bind(Wire.mapper().readTree("{\"index\": 1, \"route\": \"local\", \"future\": [1]}"), StepEvent.class);
        assertEquals(new StepEvent(1, null, "local", null, null, null, null), step);
        ErrorBody error = Wire.bind(Wire.mapper().readTree("{\"kind\": \"Overloaded\", \"message\": \"queue full\"}"),
                ErrorBody.class);
        assertEquals(new ErrorBody("Overloaded", "queue full", null), error);
    }

    @Test
    void duplicateKeysAndTrailingTokensAreMalformed() {
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class,
                () -> Wire.mapper().readTree("{\"count\": 1, \"count\": 2}"));
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> Wire.mapper().readTree("{} {}"));
    }

    @Test
    void theCalibrationSummaryKeepsItsOrderNullsAndPlanSearch() throws Exception {
        String json = "{\"dataset\":\"d\",\"images\":500,\"grid_points\":48,\"grid_min\":0.002,\"grid_max\":80.0,\"tolerance\":0.05,"
                + "\"sigma_s\":null,\"data_variance\":0.3465741850064395,\"window\":{\"sigma_lo\":1.547237602413962,"
                + "\"sigma_hi\":11.770706796839859,\"source\":\"delta-threshold\"},\"schedule\":\"karras-50\",\"global_share\":0.0,"
                + "\"speed_up\":null,\"seconds_per_image\":{\"gaussian\":2.49378125E-5,\"global-unet\":0.0041735398125},"
                + "\"costs_measured\":true}";
        CalibrationSummary s = Wire.bind(Wire.mapper().readTree(json), CalibrationSummary.class);
        assertNull(s.sigmaS());
        assertEquals(0.3465741850064395, s.dataVariance());
        assertEquals(List.of("gaussian", "global-unet"), List.copyOf(s.costs().keySet()));
        assertEquals(json, Wire.write(s));

        JsonNode search = Wire.mapper().readTree("{\"steps\":32,\"front\":[{\"fd\":1.5}]}");
        CalibrationSummary searched = s.withPlanSearch("plan-search", search);
        String withSearch = json.substring(0, json.length() - 1) + ",\"plan_source\":\"plan-search\",\"plan_search\":"
                + "{\"steps\":32,\"front\":[{\"fd\":1.5}]}}";
        assertEquals(withSearch, Wire.write(searched));
        assertEquals(searched, Wire.bind(Wire.mapper().readTree(withSearch + " "), CalibrationSummary.class));
        assertEquals(Map.of(), Wire.bind(Wire.mapper().readTree("{\"other\": 1}"), CalibrationSummary.class).costs());
    }
}
