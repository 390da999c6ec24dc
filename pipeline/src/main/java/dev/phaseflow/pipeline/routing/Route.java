package dev.phaseflow.pipeline.routing;

import dev.phaseflow.models.ModelRole;
import java.util.Locale;

/** Where a step's model call goes; follows from the model's role. */
public enum Route {
    /** A local-patch model: tiled, shardable. */
    LOCAL,
    /** A whole-image model. */
    GLOBAL;

    public static Route of(ModelRole role) {
        return switch (role) {
            case LOCAL -> LOCAL;
            case GLOBAL -> GLOBAL;
            case CLASSIFIER -> throw new IllegalArgumentException("a classifier is not a denoiser and has no route");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
