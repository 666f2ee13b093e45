package dev.bm3.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bm3.graph.NormalizedAdjacency;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result ({@code -rf json}) and prints, per parameter combination, the speedup
 * of the native path over its LibTorch baseline from the SAME run (LibTorch time / native time),
 * the graph convolution's effective bandwidth, and each target as MET or MISSED.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.bm3.bench.Ratios RESULT.json}.
 * The bandwidth needs the graphs' sizes, so the graphs are rebuilt (pure Java, seconds) from the
 * same data the benchmarks used ({@code -Dbm3.shared} as for the run).
 */
public final class Ratios {
    /** The reference PyTorch BM3 epoch on Last.fm, 1 thread (REFERENCE-RESULTS.md). */
    static final double REFERENCE_EPOCH_MS = 530.0;

    private Ratios() {
    }

    /** score in ms (or us for the loss) keyed by "Benchmark.method|param=value,..." */
    private static final Map<String, double[]> SCORES = new TreeMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Ratios RESULT.json");
            System.exit(2);
        }
        JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        for (JsonNode r : root) {
            String bench = r.get("benchmark").asText();
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            StringBuilder key = new StringBuilder(bench).append('|');
            JsonNode params = r.get("params");
            if (params != null) {
                new TreeMap<String, String>(new ObjectMapper().convertValue(params, Map.class))
                        .forEach((k, v) -> key.append(k).append('=').append(v).append(','));
            }
            JsonNode m = r.get("primaryMetric");
            SCORES.put(key.toString(), new double[] {m.get("score").asDouble(), m.get("scoreError").asDouble()});
        }
        graph();
        loss();
        step();
        lastFm();
    }

    private static double[] get(String bench, String params) {
        return SCORES.get(bench + "|" + params);
    }

    private static String ms(double[] s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.3f ± %.3f", s[0], Double.isNaN(s[1]) ? 0 : s[1]);
    }

    private static String ratio(double[] baseline, double[] fast) {
        return baseline == null || fast == null ? "-" : String.format(Locale.ROOT, "%.2fx", baseline[0] / fast[0]);
    }

    private static String verdict(double[] baseline, double[] fast, double target) {
        if (baseline == null || fast == null) {
            return "not run";
        }
        return (baseline[0] / fast[0] >= target ? "MET" : "MISSED") + String.format(Locale.ROOT, " (target >= %.1fx)", target);
    }

    private static void graph() {
        Map<String, long[]> sizes = new LinkedHashMap<>();
        System.out.println("\n== Graph convolution Y = Â X, d = 64 (ms/op; speedup = LibTorch time / native time) ==");
        System.out.println("| scale | threads | pass | native | LibTorch COO | LibTorch CSR | vs COO | vs CSR | vs best LibTorch | native bandwidth |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String scale : new String[] {"baby", "x10"}) {
            for (String threads : new String[] {"1", "2"}) {
                String p = "scale=" + scale + ",threads=" + threads + ",";
                for (String pass : new String[] {"Forward", "ForwardBackward"}) {
                    double[] nat = get("GraphConvolutionBenchmark.native" + pass, p);
                    double[] coo = get("GraphConvolutionBenchmark.torchCoo" + pass, p);
                    double[] csr = get("GraphConvolutionBenchmark.torchCsr" + pass, p);
                    if (nat == null && coo == null && csr == null) {
                        continue;
                    }
                    double[] best = coo == null ? csr : csr == null ? coo : (coo[0] <= csr[0] ? coo : csr);
                    String bw = "-";
                    if (nat != null) {
                        long[] nz = sizes.computeIfAbsent(scale, Ratios::graphSize);
                        long bytes = GraphConvolutionBenchmark.bytesPerSpmm(nz[0], nz[1], GraphConvolutionBenchmark.D)
                                * (pass.equals("Forward") ? 1 : 2);
                        bw = String.format(Locale.ROOT, "%.1f GB/s", bytes / (nat[0] * 1e-3) / 1e9);
                    }
                    System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", scale, threads,
                            pass.equals("Forward") ? "forward" : "forward+backward", ms(nat), ms(coo), ms(csr),
                            ratio(coo, nat), ratio(csr, nat), ratio(best, nat), bw);
                }
            }
        }
        double[] nat = get("GraphConvolutionBenchmark.nativeForwardBackward", "scale=baby,threads=2,");
        double[] coo = get("GraphConvolutionBenchmark.torchCooForwardBackward", "scale=baby,threads=2,");
        double[] csr = get("GraphConvolutionBenchmark.torchCsrForwardBackward", "scale=baby,threads=2,");
        double[] best = coo == null ? csr : csr == null ? coo : (coo[0] <= csr[0] ? coo : csr);
        System.out.println("target: Baby forward+backward, 2 threads, vs LibTorch's best sparse path: " + verdict(best, nat, 4.0));
        if (sizes.containsKey("baby")) {
            System.out.println("graph sizes (nodes, non-zeros): " + sizesLine(sizes));
        }
    }

    private static String sizesLine(Map<String, long[]> sizes) {
        StringBuilder sb = new StringBuilder();
        sizes.forEach((k, v) -> sb.append(k).append(' ').append(v[0]).append(", ").append(v[1]).append("; "));
        return sb.toString();
    }

    private static long[] graphSize(String scale) {
        BenchData.Interactions rows = scale.equals("baby")
                ? BenchData.babyOrSynthetic()
                : BenchData.powerLaw("x10-synthetic", 10 * BenchData.BABY_USERS, 10 * BenchData.BABY_ITEMS,
                10L * BenchData.BABY_EDGES, BenchData.SEED + 10);
        NormalizedAdjacency a = NormalizedAdjacency.fromTraining(rows.nUsers(), rows.nItems(), rows.train());
        return new long[] {a.nNodes(), a.nnz()};
    }

    private static void loss() {
        System.out.println("\n== Bootstrap loss + gradient, batch 2048, d = 64, 7,050 rows (us/op) ==");
        System.out.println("| threads | native fused | LibTorch composite | speedup |");
        System.out.println("|---|---|---|---|");
        String verdict = "not run";
        for (String threads : new String[] {"1", "2"}) {
            double[] nat = get("BootstrapLossBenchmark.nativeFused", "threads=" + threads + ",");
            double[] tor = get("BootstrapLossBenchmark.torchComposite", "threads=" + threads + ",");
            if (nat == null && tor == null) {
                continue;
            }
            System.out.printf("| %s | %s | %s | %s |%n", threads, ms(nat), ms(tor), ratio(tor, nat));
            verdict = (verdict.equals("not run") ? "" : verdict + "; ") + threads + " thread(s): " + verdict(tor, nat, 2.0);
        }
        System.out.println("target: fused loss vs composite: " + verdict);
    }

    private static void step() {
        System.out.println("\n== Whole BM3 training step, Baby graph, batch 2048 (ms/op) ==");
        System.out.println("| setting | threads | native | torch | speedup |");
        System.out.println("|---|---|---|---|---|");
        String verdict = "not run";
        for (String setting : new String[] {"a-graph-L2-synth384", "b-features-L1-synth4096-synth384"}) {
            for (String threads : new String[] {"1", "2"}) {
                String p = "kernels=%s,setting=" + setting + ",threads=" + threads + ",";
                double[] nat = get("TrainingStepBenchmark.trainStep", String.format(p, "native"));
                double[] tor = get("TrainingStepBenchmark.trainStep", String.format(p, "torch"));
                if (nat == null && tor == null) {
                    continue;
                }
                System.out.printf("| %s | %s | %s | %s | %s |%n", setting, threads, ms(nat), ms(tor), ratio(tor, nat));
                if (setting.startsWith("a-")) {
                    verdict = (verdict.equals("not run") ? "" : verdict + "; ") + threads + " thread(s): " + verdict(tor, nat, 1.3);
                }
            }
        }
        System.out.println("target: step speedup in setting (a): " + verdict);
    }

    private static void lastFm() {
        System.out.println("\n== BM3 epoch on Last.fm, 22 steps, 1 thread (ms per epoch, single shot) ==");
        double[] nat = get("LastFmEpochBenchmark.epoch", "kernels=native,threads=1,");
        double[] tor = get("LastFmEpochBenchmark.epoch", "kernels=torch,threads=1,");
        double[] ref = {REFERENCE_EPOCH_MS, 0};
        System.out.println("| kernels | ms/epoch | speedup vs engine torch path | speedup vs reference 530 ms |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| native | %s | %s | %s |%n", ms(nat), ratio(tor, nat), ratio(ref, nat));
        System.out.printf("| torch | %s | 1.00x | %s |%n", ms(tor), ratio(ref, tor));
        System.out.println("target: native epoch >= 2x faster than the reference's 0.53 s: " + verdict(ref, nat, 2.0));
    }
}
