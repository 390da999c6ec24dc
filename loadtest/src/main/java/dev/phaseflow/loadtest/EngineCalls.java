package dev.phaseflow.loadtest;

import dev.phaseflow.actors.EngineStats;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-process engine's model executions of one run: the difference of its {@link EngineStats}
 * before and after. A model execution is one batched call (of several requests' images);
 * evaluations (from Completed events) count each request's steps, so evaluations / executions
 * is how much batching saved.
 *
 * @param calls  model executions
 * @param units  images or tiles they processed
 * @param images images they processed
 */
public record EngineCalls(long calls, long units, long images) {

    public double meanBatchImages() {
        return calls == 0 ? 0 : (double) images / calls;
    }

    public double meanBatchUnits() {
        return calls == 0 ? 0 : (double) units / calls;
    }

    /** Per model: after minus before (models without calls in the run are left out). */
    public static Map<String, EngineCalls> delta(Map<String, EngineStats.ModelCalls> before,
                                                 Map<String, EngineStats.ModelCalls> after) {
        Map<String, EngineCalls> out = new TreeMap<>();
        after.forEach((model, a) -> {
            EngineStats.ModelCalls b = before.getOrDefault(model, new EngineStats.ModelCalls(0, 0, 0));
            EngineCalls d = new EngineCalls(a.calls() - b.calls(), a.units() - b.units(), a.images() - b.images());
            if (d.calls() > 0) {
                out.put(model, d);
            }
        });
        return out;
    }
}
