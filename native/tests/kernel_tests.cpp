/*
 * Test driver for the native kernels: every kernel against a plain serial double-precision
 * reference written here independently of the kernels' code.
 *
 *   CPU only:  g++ -std=c++11 -O2 -fopenmp -Inative/include native/tests/kernel_tests.cpp \
 *                  native/cpu/bm3_kernels_cpu.cpp -o kernel_tests        (ci/native-test.sh)
 *   With CUDA: add -DBM3_WITH_CUDA and link libbm3cuda.so + cudart    (ci/gpu-check.sh)
 *
 * Prints one line per check and a final "N passed, M failed"; exits 1 on any failure.
 * Inputs come from a fixed seed (override: BM3_TEST_SEED=<n>), so failures reproduce.
 */
#include "bm3_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef BM3_WITH_CUDA
#include <cuda_runtime.h>
#endif

namespace {

int g_passed = 0, g_failed = 0;

void report(bool ok, const std::string& name, const std::string& detail) {
    std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name.c_str(), detail.empty() ? "" : ": ",
                detail.c_str());
    std::fflush(stdout);
    (ok ? g_passed : g_failed)++;
}

std::string fmt(const char* f, double a, double b = 0.0) {
    char buf[256];
    std::snprintf(buf, sizeof buf, f, a, b);
    return buf;
}

/* max |a - r| relative to max |r| (norm-wise: robust for entries near zero) */
double rel_err(const std::vector<float>& a, const std::vector<double>& r) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < r.size(); ++i) {
        num = std::max(num, std::fabs((double) a[i] - r[i]));
        den = std::max(den, std::fabs(r[i]));
    }
    if (a.size() != r.size()) return 1e30;
    return den > 0 ? num / den : num;
}

void check_close(const std::string& name, const std::vector<float>& a,
                 const std::vector<double>& r, double tol) {
    const double e = rel_err(a, r);
    report(e <= tol, name, fmt("rel err %.3g (tol %.1g)", e, tol));
}

struct Csr {
    int32_t n = 0;
    std::vector<int32_t> row_ptr, col;
    std::vector<float> val;
};

/* Symmetric-normalised bipartite graph like BM3's Â (SPEC section 2): power-law user degrees,
 * duplicate pairs collapsed, isolated users and items included. */
Csr bipartite_graph(int users, int items, std::mt19937& rng) {
    std::vector<std::vector<int32_t> > adj(users + items);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int us = 0; us < users; ++us) {
        if (us % 7 == 3) continue;  /* isolated user: an empty row */
        const int deg = 1 + (int) std::floor(std::pow(u(rng), -1.2));  /* heavy tail */
        for (int k = 0; k < std::min(deg, items); ++k) {
            /* items skewed towards low ids; the last item stays isolated */
            const int it = (int) std::floor(std::pow(u(rng), 2.0) * (items - 1));
            adj[us].push_back(users + it);
            adj[users + it].push_back(us);
        }
    }
    Csr a;
    a.n = users + items;
    a.row_ptr.push_back(0);
    std::vector<double> deg(a.n);
    for (int i = 0; i < a.n; ++i) {
        std::sort(adj[i].begin(), adj[i].end());
        adj[i].erase(std::unique(adj[i].begin(), adj[i].end()), adj[i].end());
        deg[i] = (double) adj[i].size() + 1e-7;
    }
    for (int i = 0; i < a.n; ++i) {
        for (size_t k = 0; k < adj[i].size(); ++k) {
            const int j = adj[i][k];
            a.col.push_back(j);
            a.val.push_back((float) (1.0 / std::sqrt(deg[i]) / std::sqrt(deg[j])));
        }
        a.row_ptr.push_back((int32_t) a.col.size());
    }
    return a;
}

/* Unstructured random CSR (not symmetric), with unsorted and repeated columns in a row. */
Csr random_csr(int n, int max_deg, std::mt19937& rng) {
    Csr a;
    a.n = n;
    a.row_ptr.push_back(0);
    std::uniform_int_distribution<int> deg(0, max_deg), col(0, n - 1);
    std::normal_distribution<float> g(0.f, 1.f);
    for (int i = 0; i < n; ++i) {
        const int k = (i % 5 == 0) ? 0 : deg(rng);
        for (int j = 0; j < k; ++j) {
            a.col.push_back(col(rng));
            a.val.push_back(g(rng));
        }
        a.row_ptr.push_back((int32_t) a.col.size());
    }
    return a;
}

std::vector<float> randn(size_t n, std::mt19937& rng) {
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = g(rng);
    return v;
}

std::vector<double> ref_spmm(const Csr& a, const std::vector<double>& x, int64_t d) {
    std::vector<double> y((size_t) a.n * d, 0.0);
    for (int i = 0; i < a.n; ++i)
        for (int32_t j = a.row_ptr[i]; j < a.row_ptr[i + 1]; ++j)
            for (int64_t k = 0; k < d; ++k) y[i * d + k] += (double) a.val[j] * x[a.col[j] * d + k];
    return y;
}

std::vector<double> to_double(const std::vector<float>& v) {
    return std::vector<double>(v.begin(), v.end());
}

std::vector<double> ref_mean(const Csr& a, const std::vector<float>& x0, int64_t d, int layers) {
    std::vector<double> cur = to_double(x0), h = cur;
    for (int l = 1; l <= layers; ++l) {
        cur = ref_spmm(a, cur, d);
        for (size_t k = 0; k < h.size(); ++k) h[k] += cur[k];
    }
    for (size_t k = 0; k < h.size(); ++k) h[k] /= (layers + 1);
    return h;
}

/* Loss reference written from the definition: cos = <p/max(|p|,eps), t/max(|t|,eps)>,
 * gradient by the quotient rule with d|p|/dp = p/|p| (0 at p = 0). */
double ref_cos(const float* p, const float* t, int64_t d) {
    double pp = 0, tt = 0, pt = 0;
    for (int64_t k = 0; k < d; ++k) {
        pp += (double) p[k] * p[k];
        tt += (double) t[k] * t[k];
        pt += (double) p[k] * t[k];
    }
    return pt / (std::max(std::sqrt(pp), 1e-8) * std::max(std::sqrt(tt), 1e-8));
}

double ref_loss(const std::vector<float>& p, const std::vector<int64_t>& pi,
                const std::vector<float>& t, const std::vector<int64_t>& ti, int64_t d,
                double scale, std::vector<double>* grad) {
    const int64_t b_count = (int64_t) pi.size();
    double loss = 0;
    for (int64_t b = 0; b < b_count; ++b) {
        const float* pr = &p[pi[b] * d];
        const float* tr = &t[ti[b] * d];
        const double c = ref_cos(pr, tr, d);
        loss += 1.0 - c;
        if (!grad) continue;
        double pp = 0, tt = 0;
        for (int64_t k = 0; k < d; ++k) { pp += (double) pr[k] * pr[k]; tt += (double) tr[k] * tr[k]; }
        const double pn = std::sqrt(pp), tn = std::sqrt(tt);
        const double pnc = std::max(pn, 1e-8), tnc = std::max(tn, 1e-8);
        for (int64_t k = 0; k < d; ++k) {
            const double dcos = tr[k] / (pnc * tnc) - (pn > 0 ? c * pr[k] / (pnc * pn) : 0.0);
            (*grad)[pi[b] * d + k] += -scale * dcos / (double) b_count;
        }
    }
    return loss / (double) b_count;
}

void set_threads(int n) {
#ifdef _OPENMP
    omp_set_num_threads(n);
#else
    (void) n;
#endif
}

int default_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* ------------------------------------------------------------------ CPU checks */

void test_csr_check(std::mt19937& rng) {
    Csr a = bipartite_graph(50, 30, rng);
    const int64_t nnz = (int64_t) a.col.size();
    report(bm3_csr_check(a.n, a.n, a.row_ptr.data(), a.col.data(), nnz) == BM3_OK,
           "csr_check accepts a valid graph", "");
    std::vector<int32_t> bad_col = a.col;
    bad_col[nnz / 2] = a.n;
    report(bm3_csr_check(a.n, a.n, a.row_ptr.data(), bad_col.data(), nnz) == BM3_ERR_CSR,
           "csr_check rejects a column index == n_cols", "");
    std::vector<int32_t> bad_ptr = a.row_ptr;
    std::swap(bad_ptr[10], bad_ptr[40]);
    report(bm3_csr_check(a.n, a.n, bad_ptr.data(), a.col.data(), nnz) == BM3_ERR_CSR,
           "csr_check rejects a decreasing row_ptr", "");
    report(bm3_csr_check(a.n, a.n, a.row_ptr.data(), a.col.data(), nnz + 1) == BM3_ERR_CSR,
           "csr_check rejects row_ptr[n] != nnz", "");
}

void test_spmm_cpu(std::mt19937& rng) {
    const int64_t widths[] = {1, 7, 13, 16, 32, 64, 100, 128};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; ++w) {
        const int64_t d = widths[w];
        Csr a = bipartite_graph(300, 200, rng);
        std::vector<float> x = randn((size_t) a.n * d, rng), y((size_t) a.n * d, 42.f);
        const int st = bm3_cpu_spmm(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x.data(), d, y.data());
        check_close("cpu spmm bipartite graph with isolated nodes, d=" + std::to_string((long long) d)
                        + (st ? " (status error)" : ""),
                    y, ref_spmm(a, to_double(x), d), 1e-5);
    }
    {
        Csr a = random_csr(400, 40, rng);
        const int64_t d = 64;
        std::vector<float> x = randn((size_t) a.n * d, rng), y((size_t) a.n * d, 42.f);
        bm3_cpu_spmm(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x.data(), d, y.data());
        check_close("cpu spmm unstructured CSR, repeated columns, every 5th row empty", y,
                    ref_spmm(a, to_double(x), d), 1e-5);
    }
    {
        /* a graph with no edges at all: every row must come out zero, not stale */
        Csr a;
        a.n = 5;
        a.row_ptr.assign(6, 0);
        std::vector<float> y(5 * 3, 7.f);
        const int st = bm3_cpu_spmm(a.n, a.row_ptr.data(), NULL, NULL, NULL, 3, y.data());
        check_close("cpu spmm all rows empty gives zeros", y, std::vector<double>(15, 0.0), 0.0);
        report(st == BM3_OK, "cpu spmm all rows empty returns ok", "");
    }
    {
        Csr a = bipartite_graph(2000, 800, rng);
        const int64_t d = 64;
        std::vector<float> x = randn((size_t) a.n * d, rng);
        std::vector<float> first;
        bool same = true;
        const int counts[] = {1, 2, 3, 7};
        for (int c = 0; c < 4; ++c) {
            set_threads(counts[c]);
            std::vector<float> y((size_t) a.n * d);
            bm3_cpu_spmm(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x.data(), d, y.data());
            if (c == 0) first = y;
            else same = same && std::memcmp(first.data(), y.data(), y.size() * sizeof(float)) == 0;
        }
        set_threads(default_threads());
        report(same, "cpu spmm bitwise identical with 1, 2, 3 and 7 threads", "");
    }
    report(bm3_cpu_spmm(3, NULL, NULL, NULL, NULL, 4, NULL) == BM3_ERR_ARGUMENT,
           "cpu spmm rejects null pointers", "");
}

void test_mean_cpu(std::mt19937& rng) {
    Csr a = bipartite_graph(400, 250, rng);
    const int64_t widths[] = {64, 13};
    for (int w = 0; w < 2; ++w) {
        const int64_t d = widths[w];
        for (int layers = 0; layers <= 4; ++layers) {
            std::vector<float> x0 = randn((size_t) a.n * d, rng), h((size_t) a.n * d, 9.f);
            std::vector<float> sa((size_t) a.n * d), sb((size_t) a.n * d);
            const int st = bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(),
                                                 x0.data(), d, layers, h.data(), sa.data(), sb.data());
            check_close("cpu lightgcn mean L=" + std::to_string(layers) + " d=" + std::to_string((long long) d)
                            + (st ? " (status error)" : ""),
                        h, ref_mean(a, x0, d, layers), 1e-5);
        }
    }
    {
        /* scratch_b may be NULL for L = 2 and both for L = 1: the header promises it */
        const int64_t d = 8;
        std::vector<float> x0 = randn((size_t) a.n * d, rng), h((size_t) a.n * d), sa((size_t) a.n * d);
        int st = bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x0.data(), d,
                                       2, h.data(), sa.data(), NULL);
        check_close("cpu lightgcn mean L=2 without scratch_b", h, ref_mean(a, x0, d, 2), 1e-5);
        st |= bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x0.data(), d,
                                    1, h.data(), NULL, NULL);
        check_close("cpu lightgcn mean L=1 without scratch", h, ref_mean(a, x0, d, 1), 1e-5);
        report(st == BM3_OK && bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(),
                                                     x0.data(), d, 3, h.data(), sa.data(), NULL)
                                   == BM3_ERR_ARGUMENT,
               "cpu lightgcn mean rejects L=3 without scratch_b", "");
    }
    {
        /* backward = same operator: <M x, g> == <x, M g> for the symmetric Â */
        const int64_t d = 64;
        std::vector<float> x = randn((size_t) a.n * d, rng), g = randn((size_t) a.n * d, rng);
        std::vector<float> mx((size_t) a.n * d), mg((size_t) a.n * d), sa((size_t) a.n * d), sb((size_t) a.n * d);
        bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x.data(), d, 3, mx.data(), sa.data(), sb.data());
        bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), g.data(), d, 3, mg.data(), sa.data(), sb.data());
        double l = 0, r = 0, s = 0;
        for (size_t k = 0; k < x.size(); ++k) {
            l += (double) mx[k] * g[k];
            r += (double) x[k] * mg[k];
            s += std::fabs((double) mx[k] * g[k]);
        }
        report(std::fabs(l - r) <= 1e-5 * s, "cpu lightgcn mean is self-adjoint (backward = forward)",
               fmt("<Mx,g>=%.6f <x,Mg>=%.6f", l, r));
    }
}

/* The two-block encoder (BM3: X0 = [E_U; E_I] read in place, item residual, row norms). */
void test_mean_blocks_cpu(std::mt19937& rng) {
    Csr a = bipartite_graph(400, 250, rng);
    const int64_t widths[] = {64, 13};
    const int32_t tops[] = {400, 0, a.n};
    for (int w = 0; w < 2; ++w) {
        const int64_t d = widths[w];
        for (int t = 0; t < 3; ++t) {
            const int32_t top = tops[t];
            for (int layers = 0; layers <= 3; ++layers) {
                std::vector<float> x0 = randn((size_t) a.n * d, rng);
                std::vector<float> xt(x0.begin(), x0.begin() + (size_t) top * d);
                std::vector<float> xb(x0.begin() + (size_t) top * d, x0.end());
                std::vector<float> ht(xt.size() + 1, 9.f), hb(xb.size() + 1, 9.f); /* +1: never NULL */
                std::vector<float> sa((size_t) a.n * d), sb((size_t) a.n * d);
                std::vector<double> sq((size_t) a.n, -1.0);
                const std::string name = "cpu lightgcn mean blocks L=" + std::to_string(layers) + " d="
                    + std::to_string((long long) d) + " top=" + std::to_string(top);
                int st = bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top,
                                                      xt.data(), xb.data(), d, layers, 1, ht.data(), hb.data(),
                                                      sa.data(), sb.data(), sq.data());
                std::vector<double> ref = ref_mean(a, x0, d, layers);
                for (size_t k = (size_t) top * d; k < ref.size(); ++k) ref[k] += x0[k];
                std::vector<float> h(ht.begin(), ht.end() - 1);
                h.insert(h.end(), hb.begin(), hb.end() - 1);
                check_close(name + " with residual" + (st ? " (status error)" : ""), h, ref, 1e-5);
                double worst = 0;
                for (int32_t i = 0; i < a.n; ++i) {
                    double r = 0;
                    for (int64_t k = 0; k < d; ++k) r += ref[(size_t) i * d + k] * ref[(size_t) i * d + k];
                    worst = std::max(worst, std::fabs(sq[(size_t) i] - r) / std::max(1.0, r));
                }
                report(worst <= 1e-5, name + " row norms", fmt("worst relative error %.3g", worst));
                /* without the residual and the norms it is bm3_cpu_lightgcn_mean, bit for bit */
                std::vector<float> whole((size_t) a.n * d);
                st |= bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top,
                                                   xt.data(), xb.data(), d, layers, 0, ht.data(), hb.data(),
                                                   sa.data(), sb.data(), NULL);
                st |= bm3_cpu_lightgcn_mean(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), x0.data(), d,
                                            layers, whole.data(), sa.data(), sb.data());
                h.assign(ht.begin(), ht.end() - 1);
                h.insert(h.end(), hb.begin(), hb.end() - 1);
                report(st == BM3_OK && h == whole, name + " without residual equals lightgcn mean", "");
            }
        }
    }
    {
        /* backward = same call: <M x, g> == <x, M g> with the residual on the bottom block */
        const int64_t d = 64;
        const int32_t top = 400;
        const size_t nt = (size_t) top * d, nb = (size_t) (a.n - top) * d;
        std::vector<float> xt = randn(nt, rng), xb = randn(nb, rng), gt = randn(nt, rng), gb = randn(nb, rng);
        std::vector<float> mxt(nt), mxb(nb), mgt(nt), mgb(nb), sa((size_t) a.n * d), sb((size_t) a.n * d);
        bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top, xt.data(), xb.data(),
                                     d, 2, 1, mxt.data(), mxb.data(), sa.data(), sb.data(), NULL);
        bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top, gt.data(), gb.data(),
                                     d, 2, 1, mgt.data(), mgb.data(), sa.data(), sb.data(), NULL);
        double l = 0, r = 0, s = 0;
        for (size_t k = 0; k < nt; ++k) { l += (double) mxt[k] * gt[k]; r += (double) xt[k] * mgt[k]; s += std::fabs((double) mxt[k] * gt[k]); }
        for (size_t k = 0; k < nb; ++k) { l += (double) mxb[k] * gb[k]; r += (double) xb[k] * mgb[k]; s += std::fabs((double) mxb[k] * gb[k]); }
        report(std::fabs(l - r) <= 1e-5 * s, "cpu lightgcn mean blocks with residual is self-adjoint",
               fmt("<Mx,g>=%.6f <x,Mg>=%.6f", l, r));
        report(bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), a.n + 1, xt.data(),
                                            xb.data(), d, 1, 1, mxt.data(), mxb.data(), NULL, NULL, NULL)
                   == BM3_ERR_ARGUMENT
                   && bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top, xt.data(),
                                                   NULL, d, 1, 1, mxt.data(), mxb.data(), NULL, NULL, NULL)
                          == BM3_ERR_ARGUMENT,
               "cpu lightgcn mean blocks rejects n_top > n_rows and a missing block", "");
    }
}

struct LossCase {
    int64_t p_rows, t_rows, batch, d;
    std::vector<float> p, t;
    std::vector<int64_t> pi, ti;
};

LossCase loss_case(int64_t p_rows, int64_t t_rows, int64_t batch, int64_t d, std::mt19937& rng) {
    LossCase c;
    c.p_rows = p_rows; c.t_rows = t_rows; c.batch = batch; c.d = d;
    c.p = randn((size_t) (p_rows * d), rng);
    c.t = randn((size_t) (t_rows * d), rng);
    std::uniform_int_distribution<int64_t> pr(0, p_rows - 1), tr(0, t_rows - 1);
    for (int64_t b = 0; b < batch; ++b) {
        /* every 3rd row repeats an earlier P index: gradients must accumulate */
        c.pi.push_back(b % 3 == 2 ? c.pi[(size_t) (b / 2)] : pr(rng));
        c.ti.push_back(tr(rng));
    }
    return c;
}

void run_loss_cpu(const std::string& name, const LossCase& c, float scale, double tol) {
    std::vector<double> ref_grad(c.p.size(), 0.0);
    const double ref = ref_loss(c.p, c.pi, c.t, c.ti, c.d, scale, &ref_grad);
    /* the gradient is ADDED: start from noise of the gradient's own magnitude, so that the
     * comparison still resolves the increments */
    double mag = 0;
    for (size_t k = 0; k < ref_grad.size(); ++k) mag = std::max(mag, std::fabs(ref_grad[k]));
    std::mt19937 noise(7);
    std::vector<float> grad = randn(c.p.size(), noise);
    for (size_t k = 0; k < grad.size(); ++k) {
        grad[k] = (float) (grad[k] * mag);
        ref_grad[k] += grad[k];
    }
    float loss = -1.f;
    const int st = bm3_cpu_bootstrap_loss_i64(c.p.data(), c.p_rows, c.pi.data(), c.t.data(), c.t_rows,
                                              c.ti.data(), c.batch, c.d, scale, grad.data(), &loss);
    report(st == BM3_OK && std::fabs(loss - ref) <= tol * std::max(1.0, std::fabs(ref)),
           "cpu loss value, " + name, fmt("%.9f vs %.9f", loss, ref));
    check_close("cpu loss gradient, " + name, grad, ref_grad, tol);
}

void test_loss_cpu(std::mt19937& rng) {
    run_loss_cpu("B=256 d=64 duplicate rows", loss_case(100, 80, 256, 64, rng), 1.0f, 1e-5);
    run_loss_cpu("B=2048 d=64 scale 2.5", loss_case(3000, 1500, 2048, 64, rng), 2.5f, 1e-5);
    run_loss_cpu("B=4096 d=100 (multi-threaded path)", loss_case(3000, 1500, 4096, 100, rng), 1.0f, 1e-5);
    run_loss_cpu("B=1 d=64", loss_case(10, 10, 1, 64, rng), 1.0f, 1e-5);
    run_loss_cpu("B=37 d=13", loss_case(20, 50, 37, 13, rng), 1.0f, 1e-5);
    run_loss_cpu("B=5 d=1", loss_case(4, 4, 5, 1, rng), 1.0f, 1e-5);
    {
        /* zero rows: cos = 0 and, as in PyTorch, no gradient through a zero norm */
        LossCase c = loss_case(6, 6, 6, 9, rng);
        std::fill(c.p.begin() + 2 * 9, c.p.begin() + 3 * 9, 0.f);
        std::fill(c.t.begin() + 4 * 9, c.t.begin() + 5 * 9, 0.f);
        c.pi = {0, 1, 2, 3, 4, 2};
        c.ti = {0, 1, 2, 3, 4, 5};
        run_loss_cpu("zero P row and zero T row", c, 1.0f, 1e-5);
        /* a tiny but non-zero row exercises the eps clamp */
        std::fill(c.p.begin() + 2 * 9, c.p.begin() + 3 * 9, 1e-10f);
        run_loss_cpu("P row with norm below eps", c, 1.0f, 1e-5);
    }
    {
        /* the reference gradient itself against central differences (double, small case) */
        LossCase c = loss_case(4, 4, 6, 5, rng);
        std::vector<double> g(c.p.size(), 0.0);
        ref_loss(c.p, c.pi, c.t, c.ti, c.d, 1.0, &g);
        double worst = 0;
        for (size_t k = 0; k < c.p.size(); ++k) {
            LossCase hi = c, lo = c;
            const float h = 1e-2f;
            hi.p[k] += h;
            lo.p[k] -= h;
            const double fd = (ref_loss(hi.p, c.pi, c.t, c.ti, c.d, 1.0, NULL)
                               - ref_loss(lo.p, c.pi, c.t, c.ti, c.d, 1.0, NULL))
                              / ((double) hi.p[k] - (double) lo.p[k]);
            worst = std::max(worst, std::fabs(fd - g[k]));
        }
        report(worst < 1e-3, "reference loss gradient matches central differences",
               fmt("max abs diff %.3g", worst));
    }
    {
        LossCase c = loss_case(50, 50, 40, 24, rng);
        std::vector<int32_t> pi(c.pi.begin(), c.pi.end()), ti(c.ti.begin(), c.ti.end());
        std::vector<float> g64(c.p.size()), g32(c.p.size());
        float l64 = 0, l32 = 0;
        bm3_cpu_bootstrap_loss_i64(c.p.data(), 50, c.pi.data(), c.t.data(), 50, c.ti.data(), 40, 24, 1.f, g64.data(), &l64);
        bm3_cpu_bootstrap_loss_i32(c.p.data(), 50, pi.data(), c.t.data(), 50, ti.data(), 40, 24, 1.f, g32.data(), &l32);
        report(l64 == l32 && g64 == g32, "cpu loss int32 indices identical to int64", "");
    }
    {
        /* NULL indices = rows already gathered; NULL grad = loss only */
        LossCase c = loss_case(30, 30, 30, 64, rng);
        std::vector<int64_t> id(30);
        for (int b = 0; b < 30; ++b) id[b] = b;
        c.pi = id;
        c.ti = id;
        std::vector<float> g(c.p.size());
        float l = 0, l2 = 0;
        bm3_cpu_bootstrap_loss_i64(c.p.data(), 30, NULL, c.t.data(), 30, NULL, 30, 64, 1.f, g.data(), &l);
        std::vector<double> rg(c.p.size(), 0.0);
        const double ref = ref_loss(c.p, c.pi, c.t, c.ti, 64, 1.0, &rg);
        report(std::fabs(l - ref) <= 1e-5, "cpu loss without index arrays", fmt("%.9f vs %.9f", l, ref));
        check_close("cpu loss gradient without index arrays", g, rg, 1e-5);
        const int st = bm3_cpu_bootstrap_loss_i64(c.p.data(), 30, NULL, c.t.data(), 30, NULL, 30, 64, 1.f, NULL, &l2);
        report(st == BM3_OK && l2 == l, "cpu loss without gradient buffer", "");
    }
    {
        /* B * d above the serial cut-off, so the OpenMP path is the one compared */
        LossCase c = loss_case(5000, 5000, 4096, 100, rng);
        bool same = true;
        std::vector<float> first;
        float first_loss = 0;
        const int counts[] = {1, 2, 3, 7};
        for (int k = 0; k < 4; ++k) {
            set_threads(counts[k]);
            std::vector<float> g(c.p.size());
            float l = 0;
            bm3_cpu_bootstrap_loss_i64(c.p.data(), 5000, c.pi.data(), c.t.data(), 5000, c.ti.data(), 4096, 100, 1.f, g.data(), &l);
            if (k == 0) { first = g; first_loss = l; }
            else same = same && l == first_loss && std::memcmp(g.data(), first.data(), g.size() * sizeof(float)) == 0;
        }
        set_threads(default_threads());
        report(same, "cpu loss and gradient bitwise identical with 1, 2, 3 and 7 threads", "");
    }
    {
        LossCase c = loss_case(10, 10, 4, 8, rng);
        c.pi[3] = 10;
        std::vector<float> g(c.p.size(), 3.f);
        float l = 123.f;
        const int st = bm3_cpu_bootstrap_loss_i64(c.p.data(), 10, c.pi.data(), c.t.data(), 10, c.ti.data(), 4, 8, 1.f, g.data(), &l);
        bool untouched = l == 123.f;
        for (size_t k = 0; k < g.size(); ++k) untouched = untouched && g[k] == 3.f;
        report(st == BM3_ERR_INDEX && untouched, "cpu loss rejects an out-of-range index before writing", "");
        c.pi[3] = 1;
        c.ti[0] = -1;
        report(bm3_cpu_bootstrap_loss_i64(c.p.data(), 10, c.pi.data(), c.t.data(), 10, c.ti.data(), 4, 8, 1.f, g.data(), &l)
                   == BM3_ERR_INDEX,
               "cpu loss rejects a negative target index", "");
    }
}

/* ------------------------------------------------------------------ CUDA checks */

/* ---------------------------------------------------------------- dropout gather and Adam */

/* Independent reference of the documented mask: splitmix64 written out again here. */
bool ref_keep(uint64_t seed, uint64_t element, float p) {
    uint64_t x = seed + (element + 1) * 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return (double) (x >> 40) / 16777216.0 >= (double) p - 0.5 / 16777216.0;
}

void test_dropout_cpu(std::mt19937& rng) {
    const int64_t rows = 300, d = 37;
    std::vector<float> src((size_t) (rows * d));
    std::normal_distribution<float> nd(0.f, 1.f);
    for (float& v : src) v = nd(rng);
    std::vector<int64_t> idx = {5, 17, 5, 299, 0, 17, 120};  /* duplicates must share a mask */
    for (float p : {0.0f, 0.3f, 0.5f, 0.9f}) {
        std::vector<float> out(idx.size() * (size_t) d, -1.f);
        const int st = bm3_cpu_dropout_gather_i64(src.data(), rows, d, idx.data(), (int64_t) idx.size(), p, 77u, out.data());
        bool exact = st == BM3_OK;
        const double scale = 1.0 / (1.0 - p);
        for (size_t b = 0; b < idx.size() && exact; ++b) {
            for (int64_t c = 0; c < d; ++c) {
                const double want = ref_keep(77u, (uint64_t) (idx[b] * d + c), p) ? src[(size_t) (idx[b] * d + c)] * scale : 0.0;
                exact = exact && std::fabs(out[b * d + c] - want) <= 1e-6 * std::max(1.0, std::fabs(want));
            }
        }
        report(exact, fmt("dropout gather p=%.1f matches the documented counter-based mask", p), "");
        bool same = true;
        for (int64_t c = 0; c < d; ++c) same = same && out[0 * d + c] == out[2 * d + c] && out[1 * d + c] == out[5 * d + c];
        report(same, fmt("dropout gather p=%.1f duplicate rows share one draw", p), "");
    }
    /* keep rate over a full matrix, and a new seed gives a new draw */
    std::vector<int64_t> all((size_t) rows);
    for (int64_t r = 0; r < rows; ++r) all[(size_t) r] = r;
    std::vector<float> a(src.size()), b(src.size());
    bm3_cpu_dropout_gather_i64(src.data(), rows, d, all.data(), rows, 0.5f, 1u, a.data());
    bm3_cpu_dropout_gather_i64(src.data(), rows, d, all.data(), rows, 0.5f, 2u, b.data());
    size_t kept = 0, differ = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        kept += a[i] != 0.f;
        differ += (a[i] != 0.f) != (b[i] != 0.f);
    }
    const double rate = (double) kept / (double) a.size();
    report(std::fabs(rate - 0.5) < 0.02, "dropout keep rate 0.5 over 11,100 elements", fmt("%.4f", rate));
    report(differ > a.size() / 3, "dropout: another seed draws another mask", fmt("%.0f differ", (double) differ));
    std::vector<int64_t> bad = {3, 300};
    report(bm3_cpu_dropout_gather_i64(src.data(), rows, d, bad.data(), 2, 0.5f, 1u, a.data()) == BM3_ERR_INDEX,
           "dropout gather rejects an index out of range", "");
    report(bm3_cpu_dropout_gather_i64(src.data(), rows, d, all.data(), 1, 1.0f, 1u, a.data()) == BM3_ERR_ARGUMENT,
           "dropout gather rejects p = 1", "");
}

/* Adam as PyTorch's formulas, in double, over several steps. */
void test_adam_cpu(std::mt19937& rng) {
    for (int64_t n : {1, 7, 100000}) {
        std::vector<float> p((size_t) n), m((size_t) n, 0.f), v((size_t) n, 0.f), g((size_t) n);
        std::vector<double> rp((size_t) n), rm((size_t) n, 0.0), rv((size_t) n, 0.0);
        std::normal_distribution<float> nd(0.f, 1.f);
        for (int64_t i = 0; i < n; ++i) rp[(size_t) i] = p[(size_t) i] = nd(rng);
        const double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        int st = BM3_OK;
        for (int step = 1; step <= 5; ++step) {
            for (int64_t i = 0; i < n; ++i) g[(size_t) i] = nd(rng) * (step == 3 ? 0.f : 1.f);
            st |= bm3_cpu_adam_step(p.data(), g.data(), m.data(), v.data(), n, lr, b1, b2, eps, step);
            const double bc1 = 1 - std::pow(b1, step), bc2 = 1 - std::pow(b2, step);
            for (int64_t i = 0; i < n; ++i) {
                const double gi = g[(size_t) i];
                rm[(size_t) i] = b1 * rm[(size_t) i] + (1 - b1) * gi;
                rv[(size_t) i] = b2 * rv[(size_t) i] + (1 - b2) * gi * gi;
                rp[(size_t) i] -= lr / bc1 * rm[(size_t) i] / (std::sqrt(rv[(size_t) i]) / std::sqrt(bc2) + eps);
            }
        }
        double worst = 0;
        for (int64_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(p[(size_t) i] - rp[(size_t) i]));
        report(st == BM3_OK && worst < 1e-6, fmt("adam 5 steps, n=%.0f, vs double reference", (double) n), fmt("max |diff| %.3g", worst));
    }
    float x = 0.f;
    report(bm3_cpu_adam_step(&x, &x, &x, &x, 1, 1e-3, 0.9, 0.999, 1e-8, 0) == BM3_ERR_ARGUMENT, "adam rejects step 0", "");
}


/* A subset matrix with row ids draws exactly what the full matrix's rows draw. */
void test_dropout_rows_cpu(std::mt19937& rng) {
    const int64_t rows = 200, d = 19;
    std::vector<float> full((size_t) (rows * d));
    std::normal_distribution<float> nd(0.f, 1.f);
    for (float& v : full) v = nd(rng);
    const std::vector<int64_t> ids = {3, 50, 51, 199};          /* rows kept in the subset */
    std::vector<float> sub;
    for (int64_t r : ids) sub.insert(sub.end(), full.begin() + r * d, full.begin() + (r + 1) * d);
    const std::vector<int64_t> pos = {2, 0, 2, 3, 1};             /* gather in subset positions */
    std::vector<int64_t> global;
    for (int64_t k : pos) global.push_back(ids[(size_t) k]);
    std::vector<float> want(pos.size() * (size_t) d), got(pos.size() * (size_t) d, -1.f);
    bm3_cpu_dropout_gather_i64(full.data(), rows, d, global.data(), (int64_t) global.size(), 0.5f, 123u, want.data());
    const int st = bm3_cpu_dropout_gather_rows_i64(sub.data(), (int64_t) ids.size(), d, pos.data(), (int64_t) pos.size(),
                                                   ids.data(), 0.5f, 123u, got.data());
    report(st == BM3_OK && got == want, "dropout gather with row ids equals gathering the full matrix's draw", "");
    report(bm3_cpu_dropout_gather_rows_i64(sub.data(), (int64_t) ids.size(), d, pos.data(), 1, NULL, 0.5f, 1u, got.data())
               == BM3_ERR_ARGUMENT, "dropout gather with row ids rejects a null row_ids", "");
    const std::vector<int64_t> neg = {3, -1, 51, 199};
    report(bm3_cpu_dropout_gather_rows_i64(sub.data(), (int64_t) ids.size(), d, pos.data(), 1, neg.data(), 0.5f, 1u, got.data())
               == BM3_ERR_INDEX, "dropout gather with row ids rejects a negative row id", "");
}

/* Row-sparse Adam with catch-up against dense Adam fed zero gradients for untouched rows. */
void test_adam_rows_cpu(std::mt19937& rng, float scale) {
    const int64_t rows = 9, d = 300;
    std::normal_distribution<float> nd(0.f, 1.f);
    std::vector<float> p((size_t) (rows * d)), m(p.size(), 0.f), v(p.size(), 0.f);
    for (float& x : p) x = nd(rng);
    const std::vector<float> p0 = p;
    std::vector<int64_t> last((size_t) rows, 0);
    std::vector<float> rp = p, rm = m, rv = v; /* dense reference */
    /* row 1 is never touched; row 4 skips 6 steps, row 8 skips 1; the last step catches up all */
    const std::vector<std::vector<int64_t>> touched = {{0, 2, 4, 8}, {2, 3}, {0, 2, 5, 8}, {2}, {}, {3}, {6},
                                                       {0, 2, 3, 4, 5, 6, 7, 8}};
    int st = BM3_OK;
    int64_t step = 0;
    double worst_read = 0;
    /* a second state driven by gathers instead of catch-ups (parameter written once per step) */
    std::vector<float> pg = p, mg = m, vg = v;
    std::vector<int64_t> lastg = last;
    bool gather_same = true;
    for (const std::vector<int64_t>& idx : touched) {
        ++step;
        std::vector<float> read(idx.size() * (size_t) d + 1, -7.f);
        st |= bm3_cpu_adam_rows_gather(pg.data(), rows, d, idx.data(), (int64_t) idx.size(), mg.data(), vg.data(),
                                       lastg.data(), step - 1, 1e-3, 0.9, 0.999, 1e-8, read.data());
        /* what the forward pass reads: the batch's rows brought up to date through step - 1 */
        st |= bm3_cpu_adam_rows_catch_up(p.data(), rows, d, idx.data(), (int64_t) idx.size(), m.data(), v.data(),
                                         last.data(), step - 1, 1e-3, 0.9, 0.999, 1e-8);
        for (size_t k = 0; k < idx.size(); ++k) {
            for (int64_t c = 0; c < d; ++c) {
                gather_same = gather_same && read[k * (size_t) d + (size_t) c] == p[(size_t) (idx[k] * d + c)];
            }
        }
        for (int64_t r : idx) {
            for (int64_t c = 0; c < d; ++c) {
                worst_read = std::max(worst_read, (double) std::fabs(p[(size_t) (r * d + c)] - rp[(size_t) (r * d + c)]));
            }
        }
        std::vector<float> g(idx.size() * (size_t) d), dense(p.size(), 0.f);
        for (float& x : g) x = nd(rng) * scale;
        for (size_t k = 0; k < idx.size(); ++k) {
            std::copy(g.begin() + (long) (k * d), g.begin() + (long) ((k + 1) * d), dense.begin() + idx[k] * d);
        }
        st |= bm3_cpu_adam_rows(p.data(), rows, d, idx.data(), (int64_t) idx.size(), g.data(), m.data(), v.data(),
                                last.data(), step, 1e-3, 0.9, 0.999, 1e-8);
        st |= bm3_cpu_adam_rows(pg.data(), rows, d, idx.data(), (int64_t) idx.size(), g.data(), mg.data(), vg.data(),
                                lastg.data(), step, 1e-3, 0.9, 0.999, 1e-8);
        st |= bm3_cpu_adam_step(rp.data(), dense.data(), rm.data(), rv.data(), rows * d, 1e-3, 0.9, 0.999, 1e-8, step);
    }
    /* parameters ~1 (float ulp ~1e-7). With gradients ~1e-8 eps matters, and the catch-up's
     * weighted eps is an approximation, worst in the first steps of training (1 - b2^t changes
     * fast): measured 1.8e-5 here, 2% of one step of lr 1e-3; held to 5% */
    const double bound = scale >= 1.0f ? 1e-6 : 5e-5;
    report(st == BM3_OK && worst_read < bound, fmt("adam rows catch-up: a batch reads the values dense Adam holds (gradients ~%.0e)", scale),
           fmt("max |diff| %.3g", worst_read));
    report(st == BM3_OK && gather_same && pg == p && mg == m && vg == v && lastg == last,
           fmt("adam rows gather reads the caught-up rows and leaves the state to the step, bit for bit (gradients ~%.0e)", scale), "");
    /* without the separate catch-up, bm3_cpu_adam_rows catches up itself */
    std::vector<float> p2 = p0, m2(p.size(), 0.f), v2(p.size(), 0.f);
    std::vector<int64_t> last2((size_t) rows, 0);
    const std::vector<int64_t> a = {4}, b = {4};
    std::vector<float> ga((size_t) d, 0.5f), gb((size_t) d, -0.25f);
    st |= bm3_cpu_adam_rows(p2.data(), rows, d, a.data(), 1, ga.data(), m2.data(), v2.data(), last2.data(), 1, 1e-3, 0.9, 0.999, 1e-8);
    std::vector<float> p3 = p2, m3 = m2, v3 = v2;
    std::vector<int64_t> last3 = last2;
    st |= bm3_cpu_adam_rows(p2.data(), rows, d, b.data(), 1, gb.data(), m2.data(), v2.data(), last2.data(), 5, 1e-3, 0.9, 0.999, 1e-8);
    st |= bm3_cpu_adam_rows_catch_up(p3.data(), rows, d, b.data(), 1, m3.data(), v3.data(), last3.data(), 4, 1e-3, 0.9, 0.999, 1e-8);
    st |= bm3_cpu_adam_rows(p3.data(), rows, d, b.data(), 1, gb.data(), m3.data(), v3.data(), last3.data(), 5, 1e-3, 0.9, 0.999, 1e-8);
    report(st == BM3_OK && p2 == p3 && m2 == m3 && last2 == last3, "adam rows catches up by itself, bit for bit", "");
    bool untouched = last[1] == 0;
    for (int64_t c = 0; c < d; ++c) untouched = untouched && m[(size_t) (1 * d + c)] == 0.f;
    report(untouched, "adam rows leaves a never-touched row alone", "");
    const std::vector<int64_t> unsorted = {2, 1}, dup = {2, 2}, out = {9}, one = {0};
    std::vector<float> g(2 * (size_t) d, 0.f);
    report(bm3_cpu_adam_rows(p.data(), rows, d, unsorted.data(), 2, g.data(), m.data(), v.data(), last.data(), step + 1, 1e-3, 0.9, 0.999, 1e-8)
               == BM3_ERR_ARGUMENT, "adam rows rejects unsorted rows", "");
    report(bm3_cpu_adam_rows(p.data(), rows, d, dup.data(), 2, g.data(), m.data(), v.data(), last.data(), step + 1, 1e-3, 0.9, 0.999, 1e-8)
               == BM3_ERR_ARGUMENT, "adam rows rejects a duplicate row", "");
    report(bm3_cpu_adam_rows(p.data(), rows, d, out.data(), 1, g.data(), m.data(), v.data(), last.data(), step + 1, 1e-3, 0.9, 0.999, 1e-8)
               == BM3_ERR_INDEX, "adam rows rejects a row out of range", "");
    report(bm3_cpu_adam_rows(p.data(), rows, d, one.data(), 1, g.data(), m.data(), v.data(), last.data(), step, 1e-3, 0.9, 0.999, 1e-8)
               == BM3_ERR_ARGUMENT, "adam rows rejects a step that is not after the row's last", "");
}
#ifdef BM3_WITH_CUDA

template <typename T>
T* to_device(const std::vector<T>& v) {
    T* p = NULL;
    cudaMalloc((void**) &p, std::max<size_t>(1, v.size()) * sizeof(T));
    if (!v.empty()) cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice);
    return p;
}

template <typename T>
std::vector<T> to_host(const T* p, size_t n) {
    std::vector<T> v(n);
    cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost);
    return v;
}

bool cuda_ok(const std::string& what) {
    const cudaError_t e = cudaDeviceSynchronize();
    if (e != cudaSuccess) report(false, what, cudaGetErrorString(e));
    return e == cudaSuccess;
}

void test_cuda(std::mt19937& rng) {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
        report(false, "cuda device present", "no usable CUDA device");
        return;
    }
    cudaDeviceProp prop;
    cudaGetDeviceProperties(&prop, 0);
    report(true, "cuda device present", std::string(prop.name) + fmt(" (sm_%.0f%.0f)", prop.major, prop.minor));
    cudaStream_t stream;
    cudaStreamCreate(&stream);

    const int64_t widths[] = {1, 13, 64, 100, 128, 200};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; ++w) {
        const int64_t d = widths[w];
        Csr a = bipartite_graph(3000, 1200, rng);
        std::vector<float> x = randn((size_t) a.n * d, rng);
        int32_t *rp = to_device(a.row_ptr), *ci = to_device(a.col);
        float *va = to_device(a.val), *dx = to_device(x), *dy = to_device(std::vector<float>(x.size(), 42.f));
        const int st = bm3_cuda_spmm(a.n, rp, ci, va, dx, d, dy, stream);
        const std::string name = "cuda spmm d=" + std::to_string((long long) d);
        if (cuda_ok(name)) {
            check_close(name + (st ? " (status error)" : ""), to_host(dy, x.size()),
                        ref_spmm(a, to_double(x), d), 1e-5);
            const std::vector<float> y1 = to_host(dy, x.size());
            bm3_cuda_spmm(a.n, rp, ci, va, dx, d, dy, stream);
            cudaStreamSynchronize(stream);
            report(to_host(dy, x.size()) == y1, name + " deterministic across runs", "");
        }
        for (int layers = 1; layers <= 3 && d == 64; ++layers) {
            float *h = to_device(std::vector<float>(x.size(), 9.f));
            float *sa = to_device(std::vector<float>(x.size())), *sb = to_device(std::vector<float>(x.size()));
            const int s2 = bm3_cuda_lightgcn_mean(a.n, rp, ci, va, dx, d, layers, h, sa, sb, stream);
            const std::string n2 = "cuda lightgcn mean L=" + std::to_string(layers);
            if (cuda_ok(n2)) check_close(n2 + (s2 ? " (status error)" : ""), to_host(h, x.size()), ref_mean(a, x, d, layers), 1e-5);
            cudaFree(h); cudaFree(sa); cudaFree(sb);
        }
        for (int layers = 0; layers <= 2 && d == 64; ++layers) {
            /* two blocks (top = the 3000 "users"), item residual and row norms against the CPU twin */
            const int32_t top = 3000;
            const size_t nt = (size_t) top * d, nb = x.size() - nt;
            std::vector<float> ht(nt), hb(nb), sa(x.size()), sb(x.size());
            std::vector<double> sq((size_t) a.n);
            bm3_cpu_lightgcn_mean_blocks(a.n, a.row_ptr.data(), a.col.data(), a.val.data(), top, x.data(),
                                         x.data() + nt, d, layers, 1, ht.data(), hb.data(), sa.data(), sb.data(),
                                         sq.data());
            float *gt = to_device(std::vector<float>(nt, 9.f)), *gb = to_device(std::vector<float>(nb, 9.f));
            float *gsa = to_device(sa), *gsb = to_device(sb);
            double* gsq = NULL;
            cudaMalloc(&gsq, sq.size() * sizeof(double));
            const int s3 = bm3_cuda_lightgcn_mean_blocks(a.n, rp, ci, va, top, dx, dx + nt, d, layers, 1, gt, gb,
                                                         gsa, gsb, gsq, stream);
            const std::string n3 = "cuda lightgcn mean blocks L=" + std::to_string(layers);
            if (cuda_ok(n3)) {
                std::vector<float> got = to_host(gt, nt), gotb = to_host(gb, nb);
                got.insert(got.end(), gotb.begin(), gotb.end());
                std::vector<float> want(ht);
                want.insert(want.end(), hb.begin(), hb.end());
                check_close(n3 + (s3 ? " (status error)" : ""), got, to_double(want), 1e-5);
                std::vector<double> gotsq(sq.size());
                cudaMemcpy(gotsq.data(), gsq, sq.size() * sizeof(double), cudaMemcpyDeviceToHost);
                double worst = 0;
                for (size_t i = 0; i < sq.size(); ++i) worst = std::max(worst, std::fabs(gotsq[i] - sq[i]) / std::max(1.0, sq[i]));
                report(worst <= 1e-5, n3 + " row norms", fmt("worst relative error %.3g", worst));
            }
            cudaFree(gt); cudaFree(gb); cudaFree(gsa); cudaFree(gsb); cudaFree(gsq);
        }
        cudaFree(rp); cudaFree(ci); cudaFree(va); cudaFree(dx); cudaFree(dy);
    }

    struct Shape { int64_t p_rows, t_rows, batch, d; const char* name; };
    const Shape shapes[] = {{3000, 1500, 2048, 64, "B=2048 d=64 duplicates"}, {10, 10, 1, 64, "B=1"},
                            {20, 50, 37, 13, "B=37 d=13"}, {300, 300, 100, 200, "B=100 d=200"}};
    for (int s = 0; s < 4; ++s) {
        LossCase c = loss_case(shapes[s].p_rows, shapes[s].t_rows, shapes[s].batch, shapes[s].d, rng);
        if (s == 1) std::fill(c.p.begin(), c.p.begin() + c.d, 0.f);
        std::vector<double> rg(c.p.size(), 0.0);
        const double ref = ref_loss(c.p, c.pi, c.t, c.ti, c.d, 1.5, &rg);
        std::vector<int32_t> pi32(c.pi.begin(), c.pi.end()), ti32(c.ti.begin(), c.ti.end());
        float *dp = to_device(c.p), *dt = to_device(c.t), *dg = to_device(std::vector<float>(c.p.size()));
        float* dl = to_device(std::vector<float>(1, -1.f));
        int64_t *pi = to_device(c.pi), *ti = to_device(c.ti);
        int32_t *pj = to_device(pi32), *tj = to_device(ti32);
        for (int variant = 0; variant < 2; ++variant) {
            cudaMemset(dg, 0, c.p.size() * sizeof(float));
            const int st = variant == 0
                ? bm3_cuda_bootstrap_loss_i64(dp, c.p_rows, pi, dt, c.t_rows, ti, c.batch, c.d, 1.5f, dg, dl, stream)
                : bm3_cuda_bootstrap_loss_i32(dp, c.p_rows, pj, dt, c.t_rows, tj, c.batch, c.d, 1.5f, dg, dl, stream);
            const std::string name = std::string("cuda loss ") + (variant ? "int32 " : "int64 ") + shapes[s].name;
            if (!cuda_ok(name)) continue;
            const float l = to_host(dl, 1)[0];
            report(st == BM3_OK && std::fabs(l - ref) <= 1e-5 * std::max(1.0, std::fabs(ref)), name + " value",
                   fmt("%.9f vs %.9f", l, ref));
            check_close(name + " gradient", to_host(dg, c.p.size()), rg, 1e-5);
        }
        cudaFree(dp); cudaFree(dt); cudaFree(dg); cudaFree(dl); cudaFree(pi); cudaFree(ti); cudaFree(pj); cudaFree(tj);
    }
    cudaStreamDestroy(stream);
}

void test_cuda_dropout_adam(std::mt19937& rng) {
    cudaStream_t stream;
    cudaStreamCreate(&stream);
    const int64_t rows = 500, d = 64;
    std::vector<float> src((size_t) (rows * d));
    std::normal_distribution<float> nd(0.f, 1.f);
    for (float& v : src) v = nd(rng);
    std::vector<int64_t> idx = {1, 499, 1, 250, 0};
    std::vector<float> want(idx.size() * (size_t) d);
    bm3_cpu_dropout_gather_i64(src.data(), rows, d, idx.data(), (int64_t) idx.size(), 0.5f, 9u, want.data());
    float* ds = to_device(src);
    int64_t* di = NULL;
    cudaMalloc(&di, idx.size() * sizeof(int64_t));
    cudaMemcpy(di, idx.data(), idx.size() * sizeof(int64_t), cudaMemcpyHostToDevice);
    float* dout = NULL;
    cudaMalloc(&dout, want.size() * sizeof(float));
    const int st = bm3_cuda_dropout_gather_i64(ds, rows, d, di, (int64_t) idx.size(), 0.5f, 9u, dout, stream);
    cudaStreamSynchronize(stream);
    if (cuda_ok("cuda dropout gather")) {
        const std::vector<float> got = to_host(dout, want.size());
        report(st == BM3_OK && got == want, "cuda dropout gather equals the CPU mask bit for bit", "");
    }
    const int64_t n = 50000;
    std::vector<float> p((size_t) n), g((size_t) n), zeros((size_t) n, 0.f);
    for (int64_t i = 0; i < n; ++i) { p[(size_t) i] = nd(rng); g[(size_t) i] = nd(rng); }
    std::vector<float> cp = p, cm = zeros, cv = zeros;
    float* dp = to_device(p); float* dg = to_device(g); float* dm = to_device(zeros); float* dv = to_device(zeros);
    int st2 = BM3_OK;
    for (int step = 1; step <= 3; ++step) {
        bm3_cpu_adam_step(cp.data(), g.data(), cm.data(), cv.data(), n, 1e-3, 0.9, 0.999, 1e-8, step);
        st2 |= bm3_cuda_adam_step(dp, dg, dm, dv, n, 1e-3, 0.9, 0.999, 1e-8, step, stream);
    }
    cudaStreamSynchronize(stream);
    if (cuda_ok("cuda adam")) {
        std::vector<double> ref(cp.begin(), cp.end());
        report(st2 == BM3_OK, "cuda adam status", "");
        check_close("cuda adam 3 steps vs CPU", to_host(dp, (size_t) n), ref, 1e-6);
    }
    cudaFree(ds); cudaFree(di); cudaFree(dout); cudaFree(dp); cudaFree(dg); cudaFree(dm); cudaFree(dv);
    cudaStreamDestroy(stream);
}

void test_cuda_rows(std::mt19937& rng) {
    cudaStream_t stream;
    cudaStreamCreate(&stream);
    const int64_t rows = 40, d = 64;
    std::normal_distribution<float> nd(0.f, 1.f);
    std::vector<float> src((size_t) (rows * d));
    for (float& v : src) v = nd(rng);
    const std::vector<int64_t> ids = {7, 9, 30, 1000000}, pos = {3, 1, 1, 0, 2};
    const int64_t sub_rows = (int64_t) ids.size();
    std::vector<float> want(pos.size() * (size_t) d);
    bm3_cpu_dropout_gather_rows_i64(src.data(), sub_rows, d, pos.data(), (int64_t) pos.size(), ids.data(), 0.5f, 5u, want.data());
    float* ds = to_device(src); int64_t* di = to_device(ids); int64_t* dpos = to_device(pos);
    float* dout = NULL;
    cudaMalloc(&dout, want.size() * sizeof(float));
    const int st = bm3_cuda_dropout_gather_rows_i64(ds, sub_rows, d, dpos, (int64_t) pos.size(), di, 0.5f, 5u, dout, stream);
    cudaStreamSynchronize(stream);
    if (cuda_ok("cuda dropout gather rows")) {
        report(st == BM3_OK && to_host(dout, want.size()) == want, "cuda dropout gather with row ids equals the CPU bit for bit", "");
    }
    std::vector<float> p((size_t) (rows * d)), zeros(p.size(), 0.f);
    for (float& v : p) v = nd(rng);
    std::vector<float> cp = p, cm = zeros, cv = zeros;
    std::vector<int64_t> csteps((size_t) rows, 0);
    float* dp = to_device(p); float* dm = to_device(zeros); float* dv = to_device(zeros);
    int64_t* dsteps = to_device(csteps);
    int st2 = BM3_OK;
    int64_t step = 0;
    for (const std::vector<int64_t>& idx : {std::vector<int64_t>{0, 5, 39}, std::vector<int64_t>{5, 6},
                                            std::vector<int64_t>{6}, std::vector<int64_t>{0, 5, 6, 39}}) {
        ++step;
        std::vector<float> g(idx.size() * (size_t) d);
        for (float& v : g) v = nd(rng);
        bm3_cpu_adam_rows(cp.data(), rows, d, idx.data(), (int64_t) idx.size(), g.data(), cm.data(), cv.data(),
                          csteps.data(), step, 1e-3, 0.9, 0.999, 1e-8);
        int64_t* didx = to_device(idx); float* dg = to_device(g);
        st2 |= bm3_cuda_adam_rows(dp, rows, d, didx, (int64_t) idx.size(), dg, dm, dv, dsteps, step, 1e-3, 0.9, 0.999, 1e-8, stream);
        cudaStreamSynchronize(stream);
        cudaFree(didx); cudaFree(dg);
    }
    const std::vector<int64_t> later = {0, 5};
    {
        /* the gather of the rows' caught-up values, before the catch-up below changes them */
        std::vector<float> want_rows(2 * (size_t) d);
        bm3_cpu_adam_rows_gather(cp.data(), rows, d, later.data(), 2, cm.data(), cv.data(), csteps.data(), step + 3,
                                 1e-3, 0.9, 0.999, 1e-8, want_rows.data());
        int64_t* dl = to_device(later);
        float* dgot = NULL;
        cudaMalloc(&dgot, want_rows.size() * sizeof(float));
        const int sg = bm3_cuda_adam_rows_gather(dp, rows, d, dl, 2, dm, dv, dsteps, step + 3, 1e-3, 0.9, 0.999, 1e-8,
                                                 dgot, stream);
        cudaStreamSynchronize(stream);
        if (cuda_ok("cuda adam rows gather")) {
            report(sg == BM3_OK && to_host(dsteps, csteps.size()) == csteps, "cuda adam rows gather leaves last steps alone", "");
            check_close("cuda adam rows gather vs CPU", to_host(dgot, want_rows.size()),
                        std::vector<double>(want_rows.begin(), want_rows.end()), 1e-6);
        }
        cudaFree(dl); cudaFree(dgot);
    }
    bm3_cpu_adam_rows_catch_up(cp.data(), rows, d, later.data(), 2, cm.data(), cv.data(), csteps.data(), step + 3, 1e-3, 0.9, 0.999, 1e-8);
    int64_t* dlater = to_device(later);
    st2 |= bm3_cuda_adam_rows_catch_up(dp, rows, d, dlater, 2, dm, dv, dsteps, step + 3, 1e-3, 0.9, 0.999, 1e-8, stream);
    cudaStreamSynchronize(stream);
    cudaFree(dlater);
    if (cuda_ok("cuda adam rows")) {
        std::vector<double> ref(cp.begin(), cp.end());
        report(st2 == BM3_OK && to_host(dsteps, csteps.size()) == csteps, "cuda adam rows status and per-row last steps", "");
        check_close("cuda adam rows vs CPU", to_host(dp, p.size()), ref, 1e-6);
    }
    cudaFree(ds); cudaFree(di); cudaFree(dpos); cudaFree(dout); cudaFree(dp); cudaFree(dm); cudaFree(dv); cudaFree(dsteps);
    cudaStreamDestroy(stream);
}
#endif

}  // namespace

int main() {
    const char* seed_env = std::getenv("BM3_TEST_SEED");
    const unsigned seed = seed_env ? (unsigned) std::strtoul(seed_env, NULL, 10) : 20240611u;
    std::printf("bm3 kernel tests, seed %u, %d OpenMP threads\n", seed, default_threads());
    std::mt19937 rng(seed);
    test_csr_check(rng);
    test_spmm_cpu(rng);
    test_mean_cpu(rng);
    test_mean_blocks_cpu(rng);
    test_loss_cpu(rng);
    test_dropout_cpu(rng);
    test_adam_cpu(rng);
    test_dropout_rows_cpu(rng);
    test_adam_rows_cpu(rng, 1.0f);
    test_adam_rows_cpu(rng, 1e-8f);
#ifdef BM3_WITH_CUDA
    test_cuda(rng);
    test_cuda_dropout_adam(rng);
    test_cuda_rows(rng);
#endif
    std::printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
