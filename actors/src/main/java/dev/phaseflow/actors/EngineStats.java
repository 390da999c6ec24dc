package dev.phaseflow.actors;

import dev.phaseflow.pipeline.routing.Route;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Running totals of the engine's model calls, for batch-size reports and benchmarks. */
public final class EngineStats implements EngineObserver {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> units = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> images = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    /** Calls, units and images of one model. */
    public record ModelCalls(long calls, long units, long images) {
        public double meanBatchUnits() {
            return calls == 0 ? 0 : (double) units / calls;
        }

        public double meanBatchImages() {
            return calls == 0 ? 0 : (double) images / calls;
        }
    }

    @Override
    public void modelExecuted(String model, Route route, int u, int i, long wait, long compute) {
        calls.computeIfAbsent(model, k -> new LongAdder()).increment();
        units.computeIfAbsent(model, k -> new LongAdder()).add(u);
        images.computeIfAbsent(model, k -> new LongAdder()).add(i);
    }

    @Override
    public void modelFailed(String model, String kind) {
        failures.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    public Map<String, ModelCalls> byModel() {
        Map<String, ModelCalls> out = new TreeMap<>();
        calls.forEach((m, c) -> out.put(m, new ModelCalls(c.sum(), units.get(m).sum(), images.get(m).sum())));
        return out;
    }

    public long failures(String model) {
        LongAdder f = failures.get(model);
        return f == null ? 0 : f.sum();
    }
}
