package dev.phaseflow.app;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM, SIGINT and SIGHUP start the drain before the JVM begins to shut down. A drain inside a
 * JVM shutdown hook would race the other hooks, which the JVM runs all at once: ONNX Runtime's
 * frees its native environment while workers are still inside {@code OrtSession.run}, and the
 * process dies of SIGSEGV. So the signal runs the drain on its own thread, and the command exits
 * (with 0) only after the drain, when the sessions are closed and no model call is left.
 */
final class TerminationSignals {
    private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);
    private static final String[] SIGNALS = {"TERM", "INT", "HUP"};

    private TerminationSignals() {}

    /** Runs {@code drain} once, on a thread of its own, at the first of the signals; later ones are logged. */
    static void onTermination(Runnable drain) {
        AtomicBoolean started = new AtomicBoolean();
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (started.compareAndSet(false, true)) {
                        LOG.info("SIG{}: draining", signal.getName());
                        new Thread(drain, "phaseflow-drain").start();
                    } else {
                        LOG.info("SIG{}: already draining", signal.getName());
                    }
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage()); // e.g. SIGINT under nohup
            }
        }
    }
}
