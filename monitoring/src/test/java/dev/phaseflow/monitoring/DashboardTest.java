package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.monitoring.testing.PrometheusServer;
import dev.phaseflow.monitoring.testing.TextScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard must only query what the code exposes: every metric name and label in its
 * PromQL must exist on a registry where every metric has been recorded, and every metric family
 * must appear on it. With a Prometheus binary, every query must also run and return series.
 */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("grafana", "phaseflow-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bphaseflow_[a-zA-Z0-9_]+");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)\\s*\"");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)");
    /** Labels Prometheus adds (target labels) or that histograms carry. */
    private static final Set<String> IMPLICIT_LABELS = Set.of("job", "instance", "le");

    private static JsonNode dashboard;
    private static TextScrape exposed;

    @BeforeAll
    static void load() throws IOException {
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        PhaseflowMetrics metrics = new PhaseflowMetrics();
        Workloads.recordEverything(metrics, new PhaseDiagnostics(metrics.registry(), Workloads.CALIBRATION));
        exposed = new TextScrape(MetricsExporter.text(metrics.registry()));
    }

    private static List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            if (!"row".equals(p.path("type").asText())) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> panelExpressions() {
        List<String> out = new ArrayList<>();
        for (JsonNode p : panels()) {
            for (JsonNode t : p.path("targets")) {
                out.add(t.path("expr").asText());
            }
        }
        return out;
    }

    private static List<String> variableQueries() {
        List<String> out = new ArrayList<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                out.add(v.path("query").path("query").asText());
            }
        }
        return out;
    }

    private static Set<String> allExposedLabels() {
        Set<String> labels = new HashSet<>(IMPLICIT_LABELS);
        exposed.seriesNames().forEach(n -> labels.addAll(exposed.labelNames(n)));
        return labels;
    }

    @Test
    void isAGrafanaDashboardOnAPrometheusDatasourceVariable() {
        assertFalse(dashboard.path("uid").asText().isEmpty());
        assertFalse(dashboard.path("title").asText().isEmpty());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36);
        JsonNode datasource = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("datasource".equals(v.path("name").asText())) {
                datasource = v;
            }
        }
        assertTrue(datasource != null, "a 'datasource' template variable");
        assertEquals("datasource", datasource.path("type").asText());
        assertEquals("prometheus", datasource.path("query").asText());

        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : dashboard.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "unique panel id " + p.path("id"));
            assertTrue(p.path("gridPos").has("w") && p.path("gridPos").has("h"), "gridPos of " + p.path("title"));
        }
        for (JsonNode p : panels()) {
            assertEquals("${datasource}", p.path("datasource").path("uid").asText(), "datasource of " + p.path("title"));
            assertTrue(p.path("targets").size() > 0, "targets of " + p.path("title"));
            for (JsonNode t : p.path("targets")) {
                assertEquals("${datasource}", t.path("datasource").path("uid").asText(), "target of " + p.path("title"));
                assertFalse(t.path("expr").asText().isBlank(), "expression of " + p.path("title"));
            }
        }
    }

    @Test
    void everyQueriedMetricIsExposed() {
        List<String> expressions = new ArrayList<>(panelExpressions());
        expressions.addAll(variableQueries());
        assertTrue(expressions.size() >= 20, "found only " + expressions.size() + " expressions");
        Set<String> unknown = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                if (!exposed.seriesNames().contains(m.group())) {
                    unknown.add(m.group());
                }
            }
        }
        assertTrue(unknown.isEmpty(), "dashboard queries metrics nobody exposes: " + unknown
                + "\nexposed: " + exposed.seriesNames());
    }

    @Test
    void everyQueriedLabelIsExposed() {
        Set<String> known = allExposedLabels();
        Set<String> unknown = new TreeSet<>();
        for (String expr : panelExpressions()) {
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String label : g.group(1).split(",")) {
                    if (!label.isBlank() && !known.contains(label.strip())) {
                        unknown.add(label.strip() + " in " + expr);
                    }
                }
            }
            Matcher s = SELECTOR.matcher(expr);
            while (s.find()) {
                Matcher l = MATCHER.matcher(s.group(1));
                while (l.find()) {
                    if (!known.contains(l.group(1))) {
                        unknown.add(l.group(1) + " in " + expr);
                    }
                }
            }
        }
        for (String query : variableQueries()) {
            Matcher lv = LABEL_VALUES.matcher(query);
            assertTrue(lv.matches(), "variable query " + query);
            if (!exposed.labelNames(lv.group(1)).contains(lv.group(2)) && !IMPLICIT_LABELS.contains(lv.group(2))) {
                unknown.add(lv.group(2) + " of " + lv.group(1));
            }
        }
        assertTrue(unknown.isEmpty(), "dashboard uses labels nobody exposes: " + unknown);
    }

    @Test
    void everyMetricFamilyIsOnTheDashboard() {
        String all = String.join("\n", panelExpressions());
        Set<String> missing = new TreeSet<>();
        for (String name : exposed.seriesNames()) {
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            boolean shown = Pattern.compile("\\b" + Pattern.quote(family) + "(_bucket|_sum|_count)?\\b").matcher(all).find();
            if (name.startsWith("phaseflow_") && !shown) {
                missing.add(family);
            }
        }
        assertTrue(missing.isEmpty(), "metric families without a panel: " + missing);
    }

    @Test
    void hasTheDeltaHeatMaps() {
        long heatMaps = panels().stream()
                .filter(p -> "heatmap".equals(p.path("type").asText()))
                .filter(p -> p.path("targets").get(0).path("expr").asText().contains("phaseflow_shadow_delta_"))
                .count();
        assertEquals(2, heatMaps, "Delta by sigma, and Delta distribution per sigma bucket");
    }

    /** Every panel query runs on a real Prometheus and finds series once the workload is scraped. */
    @Test
    void everyQueryReturnsSeriesOnPrometheus(@TempDir Path dir) throws Exception {
        PrometheusServer.assumeAvailable();
        PrometheusRegistry registry = new PrometheusRegistry();
        PhaseflowMetrics metrics = new PhaseflowMetrics(registry);
        Workloads.recordEverything(metrics, new PhaseDiagnostics(registry, Workloads.CALIBRATION));
        try (MetricsExporter exporter = MetricsExporter.start(registry);
             PrometheusServer prometheus = PrometheusServer.start(dir, List.of(exporter.host() + ":" + exporter.port()),
                     Duration.ofSeconds(1))) {
            prometheus.awaitTargetsUp(PrometheusServer.DEFAULT_TIMEOUT);
            for (String expr : panelExpressions()) {
                String query = expr.replace("$__rate_interval", "1m").replace("$window", "1m")
                        .replace("$job", "phaseflow").replace("$sigma_bucket", ".*");
                // rate() needs two scrapes: wait until the query answers with series
                prometheus.awaitQuery(query, result -> result.size() > 0, PrometheusServer.DEFAULT_TIMEOUT);
            }
        }
    }
}
