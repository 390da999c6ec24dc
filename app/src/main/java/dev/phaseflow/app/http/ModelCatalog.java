package dev.phaseflow.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.pipeline.ModelSet;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code GET /v1/models}, built once at start-up: every model (with its zoo manifest
 * when there is a zoo) and the router plan, so clients can see which model serves which sigma.
 */
public final class ModelCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] body;

    private ModelCatalog(ObjectNode root) {
        try {
            this.body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ModelSet's denoisers (name and role) and its router plan. */
    public static ModelCatalog of(ModelSet set) {
        return of(set, List.of());
    }

    /** As {@link #of(ModelSet)}, with each model's manifest from the zoo (and the zoo's other models, e.g. the classifier). */
    public static ModelCatalog of(ModelSet set, List<ModelManifest> manifests) {
        Map<String, ObjectNode> byName = new TreeMap<>();
        set.denoisers().forEach((name, d) -> {
            ObjectNode n = JSON.createObjectNode();
            n.put("name", name);
            n.put("role", d.role().id());
            n.put("served", true);
            byName.put(name, n);
        });
        for (ModelManifest m : manifests) {
            ObjectNode n = byName.computeIfAbsent(m.name(), k -> {
                ObjectNode fresh = JSON.createObjectNode();
                fresh.put("name", m.name());
                fresh.put("role", m.role().id());
                fresh.put("served", false);
                return fresh;
            });
            n.set("manifest", m.raw());
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode models = root.putArray("models");
        byName.values().forEach(models::add);
        root.set("router", set.plan().toJson());
        ObjectNode image = root.putObject("image");
        image.put("channels", set.channels());
        image.put("height", set.height());
        image.put("width", set.width());
        image.put("sigma_min", set.sigmaMin());
        image.put("sigma_max", set.sigmaMax());
        return new ModelCatalog(root);
    }

    public byte[] body() {
        return body.clone();
    }
}
