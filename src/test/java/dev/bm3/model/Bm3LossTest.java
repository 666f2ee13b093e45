package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.FeatureMatrix;
import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.torch.Tensors;
import dev.bm3.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each BM3 loss term on a tiny hand-built case, against the SPEC formulas evaluated in plain Java
 * from the model's own (random) weights; and a finite-difference check of the full gradient.
 */
class Bm3LossTest {
    static final Device CPU = cpu();

    static Device cpu() {
        TorchRuntime.setThreads(1);
        return TorchRuntime.device("cpu");
    }

    /** 3 users, 4 items; items 0..3; two modalities of widths 3 and 2. */
    static Dataset tiny() {
        int[] users = {0, 0, 1, 1, 2, 2, 2, 0, 1};
        int[] items = {0, 1, 1, 2, 0, 3, 2, 3, 0};
        byte[] labels = {0, 0, 0, 0, 0, 0, 0, 2, 1};
        Map<String, FeatureMatrix> mods = new LinkedHashMap<>();
        mods.put("text", new FeatureMatrix("text", 4, 3, new float[] {
                0.5f, -1f, 2f, 1f, 0.25f, -0.5f, -2f, 1f, 0f, 0.3f, 0.3f, 1.5f}));
        mods.put("image", new FeatureMatrix("image", 4, 2, new float[] {1f, 2f, -1f, 0.5f, 0f, 1f, 3f, -2f}));
        return DatasetLoader.fromArrays("tiny", 3, 4, users, items, labels, mods);
    }

    static Bm3Model model(Dataset d, TrainConfig c, torch.ScalarType dtype) {
        TorchRuntime.seed(c.seed());
        return new Bm3Model(d, c, KernelSet.torch(new TorchPropagation(NormalizedAdjacency.of(d), dtype, CPU)), CPU, dtype);
    }

    static TrainConfig config(double dropout, int layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("embedding_size", 3);
        m.put("dropout", dropout);
        m.put("n_layers", layers);
        m.put("reg_weight", 0.1);
        m.put("cl_weight", 2.0);
        return TrainConfig.fromMap(m, "test");
    }

    @BeforeAll
    static void load() {
        TorchRuntime.load();
    }

    @Test
    void termsMatchHandComputationWithoutDropout() {
        for (int layers : new int[] {0, 1, 2}) {
            Dataset d = tiny();
            TrainConfig c = config(0.0, layers);
            int[] u = {0, 2, 1, 2};
            int[] i = {1, 3, 2, 3}; // item 3 twice: duplicate rows count twice in the mean
            try (Bm3Model m = model(d, c, torch.ScalarType.Double); PointerScope s = new PointerScope()) {
                List<double[]> p = new java.util.ArrayList<>();
                for (Tensor t : m.parameters()) {
                    p.add(Tensors.toDoubles(t));
                }
                Bm3Model.LossTerms terms = m.loss(u, i);
                Expected e = new Expected(d, NormalizedAdjacency.of(d), p, 3, layers);
                double ui = 0;
                double iu = 0;
                double align = 0;
                double mask = 0;
                for (int b = 0; b < u.length; b++) {
                    double[] hu = e.hu[u[b]];
                    double[] hi = e.hi[i[b]];
                    ui += 1 - cos(e.predict(hu), hi);
                    iu += 1 - cos(e.predict(hi), hu);
                }
                ui /= u.length;
                iu /= u.length;
                for (int mod = 0; mod < 2; mod++) {
                    double a = 0;
                    double k = 0;
                    for (int b = 0; b < u.length; b++) {
                        double[] z = e.latent(mod, i[b]);
                        a += 1 - cos(e.predict(z), e.hi[i[b]]);
                        k += 1 - cos(e.predict(z), z);
                    }
                    align += a / u.length;
                    mask += k / u.length;
                }
                double reg = (frob(e.hu) + frob(e.hi)) / d.nItems();
                double total = ui + iu + 0.1 * reg + 2.0 * (align + mask);
                String at = "n_layers=" + layers + ": ";
                assertEquals(ui, terms.userItem(), 1e-12, at + "user->item term");
                assertEquals(iu, terms.itemUser(), 1e-12, at + "item->user term");
                assertEquals(align, terms.align(), 1e-12, at + "inter-modality alignment");
                assertEquals(mask, terms.mask(), 1e-12, at + "intra-modality masking");
                assertEquals(reg, terms.reg(), 1e-12, at + "regulariser");
                assertEquals(total, terms.total().item_double(), 1e-12, at + "total");
            }
        }
    }

    @Test
    void dropoutChangesTargetsButNotOnlineViews() {
        Dataset d = tiny();
        int[] u = {0, 1, 2};
        int[] i = {1, 2, 3};
        try (Bm3Model m = model(d, config(0.5, 1), torch.ScalarType.Double); PointerScope s = new PointerScope()) {
            double a = m.loss(u, i).total().item_double();
            double b = m.loss(u, i).total().item_double();
            assertNotEquals(a, b, "a fresh dropout draw per call changes the loss");
            // the regulariser depends on online views only
            assertEquals(m.loss(u, i).reg(), m.loss(u, i).reg(), 0.0);
        }
        try (Bm3Model m = model(d, config(0.0, 1), torch.ScalarType.Double); PointerScope s = new PointerScope()) {
            assertEquals(m.loss(u, i).total().item_double(), m.loss(u, i).total().item_double(), 0.0);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Dataset d = tiny();
        int[] u = {0, 2, 1, 0};
        int[] i = {1, 3, 2, 1};
        try (Bm3Model m = model(d, config(0.0, 2), torch.ScalarType.Double)) {
            List<Tensor> params = m.parameters();
            List<String> names = m.parameterNames();
            double[][] grads = new double[params.size()][];
            // BM3's targets carry no gradient (stop-gradient): the check holds one draw fixed.
            Targets targets = m.drawTargets();
            try (PointerScope s = new PointerScope()) {
                for (Tensor p : params) {
                    if (p.grad().defined()) {
                        p.grad().zero_();
                    }
                }
                m.loss(u, i, targets).total().backward();
                for (int k = 0; k < params.size(); k++) {
                    grads[k] = Tensors.toDoubles(params.get(k).grad());
                }
            }
            double h = 1e-6;
            int checked = 0;
            for (int k = 0; k < params.size(); k++) {
                Tensor p = params.get(k);
                long n = p.numel();
                for (long e = 0; e < n; e++) {
                    double orig = p.data_ptr_double().get(e);
                    p.data_ptr_double().put(e, orig + h);
                    double plus = lossValue(m, u, i, targets);
                    p.data_ptr_double().put(e, orig - h);
                    double minus = lossValue(m, u, i, targets);
                    p.data_ptr_double().put(e, orig);
                    double fd = (plus - minus) / (2 * h);
                    assertEquals(fd, grads[k][(int) e], 1e-6 + 1e-5 * Math.abs(fd),
                            names.get(k) + "[" + e + "]: finite difference vs autograd");
                    checked++;
                }
            }
            assertTrue(checked > 50, "checked " + checked + " gradient entries");
        }
    }

    private static double lossValue(Bm3Model m, int[] u, int[] i, Targets targets) {
        try (PointerScope s = new PointerScope(); org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            return m.loss(u, i, targets).total().item_double();
        }
    }

    static double cos(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-16));
    }

    static double frob(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** The SPEC forward pass in plain Java, from the model's parameter values. */
    static final class Expected {
        final double[][] hu;
        final double[][] hi;
        final List<double[]> p;
        final Dataset d;
        final int dim;

        Expected(Dataset d, NormalizedAdjacency a, List<double[]> p, int dim, int layers) {
            this.d = d;
            this.p = p;
            this.dim = dim;
            int nu = d.nUsers();
            int n = nu + d.nItems();
            double[][] x = new double[n][dim];
            for (int r = 0; r < n; r++) {
                double[] src = r < nu ? p.get(0) : p.get(1);
                int row = r < nu ? r : r - nu;
                System.arraycopy(src, row * dim, x[r], 0, dim);
            }
            double[][] sum = new double[n][];
            for (int r = 0; r < n; r++) {
                sum[r] = x[r].clone();
            }
            double[][] cur = x;
            for (int l = 0; l < layers; l++) {
                double[][] next = new double[n][dim];
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < n; c++) {
                        double w = a.get(r, c);
                        for (int k = 0; k < dim; k++) {
                            next[r][k] += w * cur[c][k];
                        }
                    }
                }
                cur = next;
                for (int r = 0; r < n; r++) {
                    for (int k = 0; k < dim; k++) {
                        sum[r][k] += next[r][k];
                    }
                }
            }
            hu = new double[nu][dim];
            hi = new double[d.nItems()][dim];
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < dim; k++) {
                    double mean = sum[r][k] / (layers + 1);
                    if (r < nu) {
                        hu[r][k] = mean;
                    } else {
                        hi[r - nu][k] = mean + x[r][k]; // item ID residual
                    }
                }
            }
        }

        double[] linear(double[] w, double[] b, double[] in) {
            double[] out = new double[b.length];
            for (int o = 0; o < b.length; o++) {
                out[o] = b[o];
                for (int k = 0; k < in.length; k++) {
                    out[o] += w[o * in.length + k] * in[k];
                }
            }
            return out;
        }

        double[] predict(double[] x) {
            return linear(p.get(p.size() - 2), p.get(p.size() - 1), x);
        }

        /** z_m for one item: features (trainable table) through projection m. */
        double[] latent(int mod, int item) {
            double[] feats = p.get(2 + 3 * mod);
            int width = feats.length / d.nItems();
            double[] row = new double[width];
            System.arraycopy(feats, item * width, row, 0, width);
            return linear(p.get(3 + 3 * mod), p.get(4 + 3 * mod), row);
        }
    }
}
