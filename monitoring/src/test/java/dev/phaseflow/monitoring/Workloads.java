package dev.phaseflow.monitoring;

/** A workload that records into every metric and label the module exposes (for coverage checks). */
final class Workloads {
    static final Calibration CALIBRATION = new Calibration(0.3, 3, 1.2);

    private Workloads() {
    }

    static void recordEverything(PhaseflowMetrics metrics, PhaseDiagnostics diagnostics) {
        metrics.requestStarted().completed();
        metrics.requestStarted().failed();
        metrics.requestStarted().cancelled();
        metrics.requestStarted();
        metrics.requestRejected();
        metrics.imagesProduced(4);
        for (String route : Routes.ALL) {
            metrics.stepCompleted(route);
            metrics.queueWait(route, 0.001);
            metrics.computeTime(route, 0.01);
        }
        metrics.modelExecuted("global-unet", 4);
        metrics.modelExecuted("local-patch", 64);
        for (ErrorKind kind : ErrorKind.values()) {
            metrics.error(kind);
        }
        float[] global = {1, 2, 3, 4};
        diagnostics.recordShadow(10, Routes.LOCAL, global, new float[] {1, 2, 3, 6}, 1, 4);
        diagnostics.recordShadow(1, Routes.GLOBAL, global, new float[] {1, 2, 3, 5}, 1, 4);
        diagnostics.recordShadow(1, Routes.GLOBAL, new float[] {2, 2}, new float[] {2, 3}, 1, 2);
        diagnostics.commitment().observe("r", 10, new int[] {1, 2});
        diagnostics.commitment().observe("r", 1, new int[] {1, 3});
        diagnostics.commitment().finish("r");
    }
}
