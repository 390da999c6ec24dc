package dev.phaseflow.actors;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many workers each model's batcher has, as the batchers last said: readiness reads it from
 * other threads (a model of the plan with no worker means requests for it cannot progress).
 */
public final class WorkerCensus {
    private final Map<String, Integer> workers = new ConcurrentHashMap<>();

    WorkerCensus(Collection<String> models) {
        models.forEach(m -> workers.put(m, 0));
    }

    void set(String model, int count) {
        workers.put(model, count);
    }

    /** Workers of a model now. */
    public int workers(String model) {
        return workers.getOrDefault(model, 0);
    }

    /** The models that have no worker now, sorted. */
    public Set<String> modelsWithoutWorkers() {
        Set<String> out = new TreeSet<>();
        workers.forEach((m, n) -> {
            if (n == 0) {
                out.add(m);
            }
        });
        return out;
    }
}
