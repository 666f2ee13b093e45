package dev.bm3.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes the benchmark suite's report ({@code ci/bench-suite.sh} runs it): a Markdown file with
 * the per-epoch table of every model per dataset (ratios to BM3 exact and fast, peak memory), BM3's
 * per-phase breakdown, the catalogue-scaling table, the Last.fm time-to-best table, the machine,
 * the commands, and beside it a PNG bar chart of each model's epoch-time ratio to BM3.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.bm3.bench.SuiteReport [--jmh RESULT.json] \
 *     [--trials TRIALS.jsonl] [--runs RUNS_DIR] [--commands COMMANDS.txt] [--load LOAD_LOG] [--git REV] \
 *     --out REPORT.md
 * </pre>
 * {@code --trials}: the records of {@link EpochRunner#finish} (memory, phases); {@code --runs}: one
 * {@code bm3 train} run directory per model, named by the model ({@code bm3-fast} for BM3 with
 * {@code train_mode=fast}), and optionally {@code NAME.wall} beside each (the whole process's
 * wall seconds); {@code --load}: lines {@code HH:MM:SS <the fields of /proc/loadavg>} sampled during
 * the run. Every input may be missing: its section then says so.
 */
public final class SuiteReport {
    /** Row order of the tables and series order of the chart. */
    static final List<String> MODELS = List.of("bm3", "bm3-fast", "bpr", "lightgcn", "vbpr", "lattice", "freedom");
    /** Data sets of {@link ModelEpochBenchmark}, with the caption each table carries. */
    static final Map<String, String> DATASETS = datasets();
    /** One colour per model (matplotlib's tab10), so a model keeps its colour across reports. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2)};
    private static final String EPOCH = "ModelEpochBenchmark";
    private static final String CATALOGUE = "CatalogueScalingBenchmark";

    private final Map<String, double[]> scores = new TreeMap<>();
    private final Map<String, JsonNode> trials = new TreeMap<>();
    private final StringBuilder md = new StringBuilder();
    private JsonNode jmhFirst;
    /** Per benchmark: forks, warm-up and measured iterations, JVM args (of its first result). */
    private final Map<String, String[]> jvmArgs = new TreeMap<>();

    private SuiteReport() {
    }

    private static Map<String, String> datasets() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("lastfm", "Last.fm (`lastfm2k_mm`, real features: text MiniLM 384-d, audio Whisper 512-d; 22 steps per epoch)");
        d.put("baby-synth", "Amazon Baby graph (`amazon_baby_interactions_only`, real splits) with **synthetic features** "
                + "(Gaussian, 4096-d \"image\" + 384-d \"text\"; 59 steps per epoch)");
        return d;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, String> opt = new LinkedHashMap<>();
        for (int k = 0; k + 1 < args.length; k += 2) {
            if (!args[k].startsWith("--")) {
                usage("unexpected argument " + args[k]);
            }
            opt.put(args[k].substring(2), args[k + 1]);
        }
        if (args.length % 2 != 0 || !opt.containsKey("out")) {
            usage("--out is required");
        }
        Path out = Path.of(opt.get("out"));
        SuiteReport r = new SuiteReport();
        if (opt.containsKey("jmh") && Files.isRegularFile(Path.of(opt.get("jmh")))) {
            r.readJmh(Path.of(opt.get("jmh")));
        }
        if (opt.containsKey("trials") && Files.isRegularFile(Path.of(opt.get("trials")))) {
            r.readTrials(Path.of(opt.get("trials")));
        }
        String png = out.getFileName().toString().replaceFirst("\\.md$", "") + "-ratios.png";
        r.write(opt, png);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, r.md.toString());
        boolean charted = r.chart(out.resolveSibling(png));
        System.out.println("wrote " + out + (charted ? " and " + out.resolveSibling(png) : " (no chart: no ratios)"));
    }

    private static void usage(String why) {
        System.err.println("SuiteReport: " + why + "\nusage: SuiteReport [--jmh RESULT.json] [--trials TRIALS.jsonl]"
                + " [--runs RUNS_DIR] [--commands FILE] [--load LOAD_LOG] [--git REV] --out REPORT.md");
        System.exit(2);
    }

    /** "Benchmark|k=v,k=v," with the parameters sorted by name. */
    private static String key(String benchmark, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(benchmark).append('|');
        new TreeMap<>(params).forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> params(JsonNode node) {
        return node == null ? Map.of() : new ObjectMapper().convertValue(node, Map.class);
    }

    private void readJmh(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode r : root) {
            if (jmhFirst == null) {
                jmhFirst = r;
            }
            String bench = r.get("benchmark").asText();
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            bench = bench.substring(0, bench.indexOf('.'));
            jvmArgs.putIfAbsent(bench, new String[] {r.path("forks").asText(), r.path("warmupIterations").asText(),
                r.path("measurementIterations").asText(), String.join(" ", strings(r.path("jvmArgs")))});
            JsonNode m = r.get("primaryMetric");
            double err = m.get("scoreError").isNumber() ? m.get("scoreError").asDouble() : Double.NaN;
            scores.put(key(bench, params(r.get("params"))), new double[] {m.get("score").asDouble(), err,
                    r.path("measurementIterations").asInt()});
        }
    }

    private void readTrials(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                JsonNode t = json.readTree(line);
                trials.put(key(t.get("benchmark").asText(), params(t.get("params"))), t); // a rerun's record wins
            }
        }
    }

    private double[] epoch(String data, String model) {
        return scores.get(key(EPOCH, Map.of("data", data, "model", model, "threads", "1")));
    }

    private JsonNode epochTrial(String data, String model) {
        return trials.get(key(EPOCH, Map.of("data", data, "model", model, "threads", "1")));
    }

    private void write(Map<String, String> opt, String png) throws IOException {
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        line("# bm3-engine benchmark suite: " + date + ", " + host());
        line("");
        machine(opt);
        perEpoch(png);
        phases();
        catalogue();
        timeToBest(opt.get("runs"));
        memoryNotes();
        if (opt.containsKey("commands") && Files.isRegularFile(Path.of(opt.get("commands")))) {
            line("## Commands");
            line("");
            line("```");
            md.append(Files.readString(Path.of(opt.get("commands"))).strip()).append('\n');
            line("```");
        }
    }

    private void machine(Map<String, String> opt) {
        line("| machine | |");
        line("|---|---|");
        line("| host | " + host() + " |");
        line("| CPU | " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible |");
        line("| memory | " + memTotal() + " |");
        if (jmhFirst != null) {
            line("| JVM | " + jmhFirst.path("jdkVersion").asText() + " " + jmhFirst.path("vmName").asText() + " "
                    + jmhFirst.path("vmVersion").asText() + "; JMH " + jmhFirst.path("jmhVersion").asText() + " |");
            jvmArgs.forEach((bench, a) -> line("| " + bench + " | forks " + a[0] + ", warm-up " + a[1] + ", measured "
                    + a[2] + " single-shot epochs; JVM args `" + a[3] + "` |"));
        }
        line("| git | " + opt.getOrDefault("git", "(not given)") + " |");
        line("| load | " + loadAverage() + " (1/5/15 min, when this report was written)" + loadDuring(opt.get("load")) + " |");
        line("");
    }

    /** The range of the 1-minute load over the run's samples (the suite itself adds about 1). */
    private static String loadDuring(String file) {
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            return "";
        }
        try {
            double[] loads = Files.readAllLines(Path.of(file)).stream().map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 1).mapToDouble(f -> Double.parseDouble(f[1])).toArray();
            if (loads.length == 0) {
                return "";
            }
            return String.format(Locale.ROOT, "; during the run %.2f to %.2f (%d samples, every 30 s)",
                    Arrays.stream(loads).min().getAsDouble(), Arrays.stream(loads).max().getAsDouble(), loads.length);
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void perEpoch(String png) {
        line("## Per-epoch training time, every model (batch 2048, 1 thread, `ModelEpochBenchmark`)");
        line("");
        line("Single-shot time of one epoch (the model's per-epoch work, shuffle, batch assembly and steps; no "
                + "evaluation), mean ± JMH's 99.9 % half-interval over the measured epochs. Ratio = the model's epoch "
                + "time / BM3's (\"3.00x\": the model takes three times as long as BM3). Memory: see the notes below; "
                + "peaks of the whole fork include **data loading**.");
        line("");
        boolean any = false;
        for (Map.Entry<String, String> d : DATASETS.entrySet()) {
            if (MODELS.stream().noneMatch(m -> epoch(d.getKey(), m) != null)) {
                continue;
            }
            any = true;
            line("### " + d.getValue());
            line("");
            line("| model | ms / epoch | epochs measured | vs BM3 exact | vs BM3 fast | heap peak MB (fork / training) "
                    + "| heap live MB (fork) | RSS peak MB (fork / training) |");
            line("|---|---|---|---|---|---|---|---|");
            double[] exact = epoch(d.getKey(), "bm3");
            double[] fast = epoch(d.getKey(), "bm3-fast");
            for (String m : MODELS) {
                double[] s = epoch(d.getKey(), m);
                if (s == null) {
                    continue;
                }
                JsonNode t = epochTrial(d.getKey(), m);
                line("| " + m + flag(t) + " | " + ms(s) + " | " + (int) s[2] + " | " + ratio(s, exact) + " | "
                        + ratio(s, fast) + " | " + mem(t, "heap_pool_peak_mb") + " | " + live(t) + " | "
                        + mem(t, "rss_peak_mb") + " |");
            }
            line("");
            boolean missed = false;
            for (String bm3 : new String[] {"bm3", "bm3-fast"}) {
                double[] b = epoch(d.getKey(), bm3);
                for (String baseline : new String[] {"lattice", "freedom"}) {
                    double[] s = epoch(d.getKey(), baseline);
                    if (b != null && s != null) {
                        double r = s[0] / b[0];
                        line(String.format(Locale.ROOT, "- %s vs %s: %s takes %.2fx BM3's epoch time: BM3 is %s2x faster.",
                                bm3.equals("bm3") ? "BM3 exact" : "BM3 fast", baseline.toUpperCase(Locale.ROOT),
                                baseline.toUpperCase(Locale.ROOT), r, r >= 2 ? "" : "**not** "));
                        missed |= r < 2;
                    }
                }
            }
            if (missed) {
                line("- Where BM3's time goes: the per-phase breakdown below.");
            }
            line("");
        }
        if (!any) {
            line("(no `ModelEpochBenchmark` results in this run)");
            line("");
        } else if (hasRatios()) {
            line("![epoch time / BM3 epoch time](" + png + ")");
            line("");
        }
    }

    /** Marks rows whose loss did not decrease (the time still counts; the training did not learn). */
    private static String flag(JsonNode t) {
        return t != null && t.path("loss_decreased").isBoolean() && !t.path("loss_decreased").asBoolean()
                ? " (loss did not decrease!)" : "";
    }

    private static String mem(JsonNode t, String what) {
        if (t == null) {
            return "-";
        }
        JsonNode m = t.path("memory_mb");
        double setup = m.path(what + "_setup").asDouble();
        double training = m.path(what + "_training").asDouble();
        boolean reset = !what.startsWith("rss") || m.path("rss_reset_ok").asBoolean();
        return String.format(Locale.ROOT, "%.0f / %s", Math.max(setup, training),
                reset ? String.format(Locale.ROOT, "%.0f", training) : "-");
    }

    private static String live(JsonNode t) {
        if (t == null) {
            return "-";
        }
        JsonNode m = t.path("memory_mb");
        return String.format(Locale.ROOT, "%.0f", Math.max(m.path("heap_live_peak_mb_setup").asDouble(),
                m.path("heap_live_peak_mb_training").asDouble()));
    }

    private static String ms(double[] s) {
        DecimalFormat f = new DecimalFormat(s[0] >= 100 ? "#,##0" : "0.0");
        return f.format(s[0]) + (Double.isNaN(s[1]) ? "" : " ± " + f.format(s[1]));
    }

    private static String ratio(double[] s, double[] bm3) {
        return s == null || bm3 == null ? "-" : String.format(Locale.ROOT, "%.2fx", s[0] / bm3[0]);
    }

    private void phases() {
        List<String> rows = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : trials.entrySet()) {
            JsonNode t = e.getValue();
            if (!t.has("phases_ms_per_step")) {
                continue;
            }
            JsonNode p = t.get("phases_ms_per_step");
            double sum = 0;
            StringBuilder cells = new StringBuilder();
            for (String phase : new String[] {"propagation", "projections", "targets", "loss", "backward", "optimizer"}) {
                double v = p.path(phase).asDouble();
                sum += v;
                cells.append(String.format(Locale.ROOT, " %.2f |", v));
            }
            double outside = t.path("outside_step_ms_per_step").asDouble();
            double[] s = scores.get(e.getKey());
            String measured = s == null ? "-" : String.format(Locale.ROOT, "%.2f", s[0] / t.path("steps_per_epoch").asInt());
            rows.add(String.format(Locale.ROOT, "| %s %s |%s %.2f | %.2f | %s |", t.path("benchmark").asText()
                            .replace("Benchmark", ""), params(t.get("params")).entrySet().stream()
                            .filter(x -> !x.getKey().equals("threads")).map(x -> x.getValue()).toList(),
                    cells, outside, sum + outside, measured));
        }
        line("## Where BM3's step time goes (per-phase breakdown, ms per step)");
        line("");
        if (rows.isEmpty()) {
            line("(no BM3 trial records with phases in this run)");
            line("");
            return;
        }
        line("Mean over the measured epochs' steps (`StepPhases`, wall time). propagation = graph convolution, "
                + "projections = the modality projections, targets = the dropout draws of the bootstrap targets (BM3's "
                + "only sampler: it has no negative sampling), loss, backward (autograd), optimizer (Adam); outside = "
                + "shuffle, batch assembly, scopes and the per-epoch hook, per step. Last column: the JMH epoch time / "
                + "steps per epoch.");
        line("");
        line("| benchmark, parameters | propagation | projections | targets | loss | backward | optimizer | outside | sum "
                + "| measured |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(this::line);
        line("");
    }

    private void catalogue() {
        line("## Catalogue scaling: BM3 exact vs fast (`CatalogueScalingBenchmark`)");
        line("");
        String[] sizes = {"x1", "x10"};
        double[][][] s = new double[2][2][];
        boolean any = false;
        String[] modes = {"exact", "fast"};
        for (int m = 0; m < 2; m++) {
            for (int c = 0; c < 2; c++) {
                s[m][c] = scores.get(key(CATALOGUE, Map.of("catalogue", sizes[c], "mode", modes[m], "threads", "1")));
                any |= s[m][c] != null;
            }
        }
        if (!any) {
            line("(no `CatalogueScalingBenchmark` results in this run)");
            line("");
            return;
        }
        line("Synthetic power-law graph with Baby's 19,445 users and 119,674 training interactions (the same users and "
                + "degrees at both sizes: 59 steps per epoch), **synthetic features** (Gaussian 4096-d + 384-d); x1 = "
                + "7,050 items, x10 = 70,500 items. ms per epoch (± 99.9 % half-interval); RSS = peak resident MB of the "
                + "fork / of the training window.");
        line("");
        line("| mode | x1 ms / epoch | x10 ms / epoch | growth x10 / x1 | RSS peak x1 | RSS peak x10 |");
        line("|---|---|---|---|---|---|");
        for (int m = 0; m < 2; m++) {
            line("| " + modes[m] + " | " + (s[m][0] == null ? "-" : ms(s[m][0])) + " | " + (s[m][1] == null ? "-" : ms(s[m][1]))
                    + " | " + ratio(s[m][1], s[m][0]) + " | "
                    + mem(trials.get(key(CATALOGUE, Map.of("catalogue", "x1", "mode", modes[m], "threads", "1"))), "rss_peak_mb")
                    + " | " + mem(trials.get(key(CATALOGUE, Map.of("catalogue", "x10", "mode", modes[m], "threads", "1"))),
                    "rss_peak_mb") + " |");
        }
        line("| exact / fast | " + ratio(s[0][0], s[1][0]) + " | " + ratio(s[0][1], s[1][1]) + " | | | |");
        line("");
    }

    private void timeToBest(String runs) throws IOException {
        line("## Time to the best validation epoch on Last.fm (`bm3 train`, early stopping, 1 thread)");
        line("");
        if (runs == null || !Files.isDirectory(Path.of(runs))) {
            line("(no training runs in this report)");
            line("");
            return;
        }
        line("One `bm3 train` run per model, seed 999, each model's published defaults (the README's Last.fm data "
                + "flags). train s = `epochs.csv` `train_seconds` (the steps and the model's per-epoch work; no "
                + "evaluation, no checkpoint writing); eval s = the validation pass; to best = summed over epochs 1..best; "
                + "wall = the whole `bm3 train` process (loading, every epoch, test passes, checkpoints). Test metrics at "
                + "the best validation epoch.");
        line("");
        line("| model | best epoch | epochs run | median train s / epoch | train s to best | train + eval s to best "
                + "| wall s (whole run) | test R@20 | test N@20 | valid R@20 |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        List<String> names = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of(runs))) {
            dirs.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort((a, b) -> Integer.compare(order(a), order(b)) != 0 ? Integer.compare(order(a), order(b)) : a.compareTo(b));
        for (String name : names) {
            line(runRow(Path.of(runs), name));
        }
        line("");
    }

    private static int order(String model) {
        int k = MODELS.indexOf(model);
        return k < 0 ? MODELS.size() : k;
    }

    private static String runRow(Path runs, String name) throws IOException {
        Path dir = runs.resolve(name);
        ObjectMapper json = new ObjectMapper();
        JsonNode metrics = json.readTree(dir.resolve("metrics.json").toFile());
        JsonNode config = json.readTree(dir.resolve("manifest.json").toFile()).path("configs").path(0);
        int best = metrics.path("best_epoch").asInt();
        List<String> lines = Files.readAllLines(dir.resolve("epochs.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int trainCol = header.indexOf("train_seconds");
        int evalCol = header.indexOf("eval_seconds");
        double[] train = new double[lines.size() - 1];
        double toBest = 0;
        double toBestWithEval = 0;
        for (int k = 1; k < lines.size(); k++) {
            String[] f = lines.get(k).split(",");
            train[k - 1] = Double.parseDouble(f[trainCol]);
            if (Integer.parseInt(f[0]) <= best) {
                toBest += train[k - 1];
                toBestWithEval += train[k - 1] + Double.parseDouble(f[evalCol]);
            }
        }
        int epochs = train.length;
        Arrays.sort(train);
        double median = train.length == 0 ? Double.NaN
                : train.length % 2 == 1 ? train[train.length / 2] : (train[train.length / 2 - 1] + train[train.length / 2]) / 2;
        boolean capped = epochs >= config.path("epochs").asInt(Integer.MAX_VALUE);
        Path wallFile = runs.resolve(name + ".wall");
        String wall = Files.isRegularFile(wallFile)
                ? String.format(Locale.ROOT, "%.1f", Double.parseDouble(Files.readString(wallFile).trim())) : "-";
        return String.format(Locale.ROOT, "| %s | %d | %d%s | %.3f | %.1f | %.1f | %s | %.4f | %.4f | %.4f |", name, best,
                epochs, capped ? " (epochs cap " + config.path("epochs").asInt() + " reached: not converged)" : "", median,
                toBest, toBestWithEval, wall, metrics.path("test").path("recall@20").asDouble(),
                metrics.path("test").path("ndcg@20").asDouble(), metrics.path("valid").path("recall@20").asDouble());
    }

    private void memoryNotes() {
        line("## Notes");
        line("");
        line("- **Synthetic features**: the `baby-synth` and catalogue rows use random Gaussian features of the stated "
                + "widths (the cost of a step depends on the shapes only); their accuracy means nothing and none is reported.");
        line("- **Memory** (one JVM fork per row, the same `-Xmx` for every row of a benchmark): *heap peak* = the sum "
                + "of the heap pools' peak usages, an upper bound (pools peak at different moments; uncollected garbage "
                + "counts, so it grows with `-Xmx`); *heap live* = the most heap in use right after a GC, a lower bound of "
                + "the live set's peak; *RSS peak* = `VmHWM` of the whole process (native tensors, LibTorch, the JVM and "
                + "its heap). *fork* covers everything from JVM start, **data loading included** (e.g. the synthetic "
                + "features are generated as Java arrays); *training* is reset after setup (`/proc/self/clear_refs`) and "
                + "covers the epochs only.");
        line("- BM3 `train_mode=fast` is timed as configured; on an engine without the fast mode it runs exact.");
        line("");
    }

    /** Whether some data set has BM3 exact and another model: what the chart needs. */
    private boolean hasRatios() {
        return DATASETS.keySet().stream().anyMatch(d -> epoch(d, "bm3") != null
                && MODELS.subList(1, MODELS.size()).stream().anyMatch(m -> epoch(d, m) != null));
    }

    /** Draws each model's epoch-time ratio to BM3 exact, one group per data set; false when there is none. */
    private boolean chart(Path file) throws IOException {
        if (!hasRatios()) {
            return false;
        }
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Map.Entry<String, String> d : DATASETS.entrySet()) {
            double[] bm3 = epoch(d.getKey(), "bm3");
            if (bm3 == null) {
                continue;
            }
            String group = d.getKey().equals("baby-synth") ? "Baby graph, synthetic features" : "Last.fm (real features)";
            for (String m : MODELS.subList(1, MODELS.size())) {
                double[] s = epoch(d.getKey(), m);
                if (s != null) {
                    ds.addValue(s[0] / bm3[0], m, group);
                }
            }
        }
        double max = 0;
        for (int row = 0; row < ds.getRowCount(); row++) {
            for (int col = 0; col < ds.getColumnCount(); col++) {
                Number v = ds.getValue(row, col);
                max = v == null ? max : Math.max(max, v.doubleValue());
            }
        }
        NumberAxis y = new NumberAxis("epoch time / BM3 exact epoch time");
        y.setRange(0, Math.max(2.3, max * 1.12)); // the 2x line always in view
        CategoryPlot plot = new CategoryPlot(ds, new CategoryAxis(null), y, new BarRenderer());
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00x")));
        r.setDefaultItemLabelsVisible(true);
        for (int k = 0; k < ds.getRowCount(); k++) {
            r.setSeriesPaint(k, PALETTE[MODELS.indexOf((String) ds.getRowKey(k)) % PALETTE.length]);
        }
        marker(plot, 1.0, "BM3 exact = 1", Color.DARK_GRAY);
        marker(plot, 2.0, "2x (target for LATTICE and FREEDOM)", Color.RED);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Per-epoch time of each model relative to BM3 (higher = BM3 faster)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 560);
        return true;
    }

    private static void marker(CategoryPlot plot, double at, String label, Color color) {
        ValueMarker m = new ValueMarker(at, color, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelPaint(color);
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(m);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    private static String cpuModel() {
        return procField("/proc/cpuinfo", "model name").orElse("CPU model unknown");
    }

    private static String memTotal() {
        return procField("/proc/meminfo", "MemTotal").map(v -> {
            long kb = Long.parseLong(v.replace("kB", "").trim());
            return String.format(Locale.ROOT, "%.1f GB", kb / 1024.0 / 1024.0);
        }).orElse("unknown");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static java.util.Optional<String> procField(String file, String field) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(field))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
