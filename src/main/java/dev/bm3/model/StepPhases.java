package dev.bm3.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time of a training step by phase, summed over steps. LibTorch's CPU operations run
 * synchronously, so the time between two marks is the time of the work between them. Wall time
 * by default; with {@code threadCpu} the calling thread's CPU time, which on one thread is the
 * work itself and barely moves when other processes load the machine. Used by the benchmarks'
 * per-phase breakdown; a model without one attached pays nothing.
 */
public final class StepPhases {
    /** The phases of one BM3 step, in order. */
    public enum Phase { PROPAGATION, PROJECTIONS, TARGETS, LOSS, BACKWARD, OPTIMIZER }

    private final long[] nanos = new long[Phase.values().length];
    private final boolean threadCpu;
    private long last;
    private int steps;

    /** Wall-clock phases. */
    public StepPhases() {
        this(false);
    }

    /** Phases in wall time, or in the calling thread's CPU time when {@code threadCpu}. */
    public StepPhases(boolean threadCpu) {
        this.threadCpu = threadCpu;
    }

    private long now() {
        return threadCpu ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                : System.nanoTime();
    }

    void start() {
        last = now();
    }

    void lap(Phase p) {
        long now = now();
        nanos[p.ordinal()] += now - last;
        last = now;
    }

    void endStep() {
        steps++;
    }

    public int steps() {
        return steps;
    }

    /** Mean milliseconds per step for each phase. */
    public Map<String, Double> meanMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            out.put(p.name().toLowerCase(java.util.Locale.ROOT), steps == 0 ? 0.0 : nanos[p.ordinal()] / 1e6 / steps);
        }
        return out;
    }

    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        steps = 0;
    }
}
