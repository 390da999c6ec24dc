package dev.phaseflow.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The web viewer's files (and the API description), read from the classpath once at start-up
 * so serving them never touches the disk on the event loop.
 */
public final class StaticAssets {
    /** A file to serve. */
    public record Asset(String contentType, byte[] body) {}

    /** URL path to classpath resource and content type. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/viewer.js", new String[] {"web/viewer.js", "text/javascript; charset=utf-8"},
            "/viewer.css", new String[] {"web/viewer.css", "text/css; charset=utf-8"},
            "/openapi.yaml", new String[] {"web/openapi.yaml", "application/yaml; charset=utf-8"});

    private final Map<String, Asset> assets = new LinkedHashMap<>();

    private StaticAssets() {}

    public static StaticAssets load() {
        StaticAssets s = new StaticAssets();
        FILES.forEach((path, spec) -> s.assets.put(path, new Asset(spec[1], read(spec[0]))));
        return s;
    }

    public Optional<Asset> get(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    public Iterable<String> paths() {
        return assets.keySet();
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
