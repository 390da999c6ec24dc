package dev.phaseflow.monitoring.testing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Prometheus text-format scrape: each sample line as series (name plus labels exactly as
 * written) to value, for exact assertions on what a scraper would see.
 */
public final class TextScrape {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    private final String text;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, Set<String>> labelsByName = new LinkedHashMap<>();

    public TextScrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            String labels = m.group(2) == null ? "" : m.group(2);
            values.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
            Set<String> names = labelsByName.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
            Matcher l = LABEL.matcher(labels);
            while (l.find()) {
                names.add(l.group(1));
            }
        }
    }

    /** The value of a series, e.g. {@code phaseflow_steps_total{route="local"}}; throws if absent. */
    public double value(String series) {
        Double v = values.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in scrape:\n" + text);
        }
        return v;
    }

    public boolean has(String series) {
        return values.containsKey(series);
    }

    /** Every sample line's series name (without labels): the names PromQL can select. */
    public Set<String> seriesNames() {
        return labelsByName.keySet();
    }

    /** The label names seen on series {@code name}. */
    public Set<String> labelNames(String name) {
        return labelsByName.getOrDefault(name, Set.of());
    }

    /** The raw text lines. */
    public List<String> lines() {
        return List.of(text.split("\n"));
    }

    public String text() {
        return text;
    }
}
