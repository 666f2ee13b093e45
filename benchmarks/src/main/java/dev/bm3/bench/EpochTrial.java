package dev.bm3.bench;

import dev.bm3.torch.TorchRuntime;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JMH lifecycle both epoch benchmarks share (JMH runs a state's inherited {@code @Param},
 * {@code @Setup} and {@code @TearDown} members): the peak-memory record starts before any data
 * is loaded, the thread count is set before LibTorch's first operation, the subclass builds the
 * {@link EpochRunner}; phase times cover measured iterations only, and the trial ends with the
 * runner's record. ({@code @State} here too: JMH accepts {@code @Param} only in state classes.)
 */
@State(Scope.Benchmark)
public abstract class EpochTrial {
    /** LibTorch's and OpenMP's threads; one for every row by default, so rows compare. */
    @Param({"1"})
    public int threads;

    EpochRunner runner;

    /** Loads the trial's data and builds its runner; {@code memory} must be handed to the runner. */
    abstract EpochRunner start(PeakMemory memory);

    /** The trial's parameters for its record: name-value pairs, then {@code threads}. */
    Map<String, String> params(String... nameValue) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int k = 0; k + 1 < nameValue.length; k += 2) {
            p.put(nameValue[k], nameValue[k + 1]);
        }
        p.put("threads", Integer.toString(threads));
        return p;
    }

    @Setup(Level.Trial)
    public void setUp() {
        PeakMemory memory = new PeakMemory();
        TorchRuntime.setThreads(threads);
        runner = start(memory);
    }

    /** Phase times cover measured iterations only. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        runner.onIteration(params);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runner.finish();
        runner.close();
    }
}
