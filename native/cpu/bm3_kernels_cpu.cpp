/*
 * CPU (OpenMP) implementation of the C ABI in bm3_kernels.h.
 *
 * This file is compiled twice: into the JavaCPP JNI library (it is pulled in through
 * @Platform(include = ...) of dev.bm3.kernels.NativeKernels) and into the C++ test driver.
 * It therefore sticks to C++11 and needs nothing but the standard library and OpenMP.
 */
#include "bm3_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace bm3cpu {

/* Below this many batch elements (B * d) the loss runs on the calling thread only. */
const int64_t kLossParallelElements = (int64_t) 1 << 18;

inline int max_threads() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* A matrix held as two row blocks: rows [0, split) at top, rows [split, ...) at bottom. BM3's
 * X0 = [E_U; E_I] is read this way straight from the two embedding tables (no concatenated
 * copy); a contiguous matrix is {p, NULL, kWhole}. Rows never straddle the blocks. */
const int64_t kWhole = INT64_MAX;

template <typename T>
struct Blocks {
    T* top;
    T* bottom;
    int64_t split;
    inline T* row(int64_t i, int64_t n) const { return i < split ? top + i * n : bottom + (i - split) * n; }
};
typedef Blocks<const float> Rows;
typedef Blocks<float> OutRows;

inline Rows whole(const float* p) { Rows r = {p, NULL, kWhole}; return r; }
inline OutRows whole_out(float* p) { OutRows r = {p, NULL, kWhole}; return r; }

/* What happens to a finished product row acc = (Â X)[i]. Keeping the layer-sum, the final
 * scaling, BM3's item residual and the row norms here means the encoder costs one pass over
 * memory per layer. */
struct Epilogue {
    float* store;        /* destination of the product itself, or NULL */
    OutRows h;           /* running-sum destination (h.top NULL: none) */
    Rows base;           /* what h adds the product to: X0 on layer 1, h itself afterwards */
    float scale;         /* 1/(L+1) on the last layer, otherwise 1 */
    Rows residual;       /* last layer: rows >= residual_from add this (X0) after scaling; top NULL: none */
    int64_t residual_from;
    double* row_sq;      /* last layer: squared norm of each finished h row, or NULL */
};

inline Epilogue store_only(float* y) {
    Epilogue e = {y, {NULL, NULL, kWhole}, {NULL, NULL, kWhole}, 1.0f, {NULL, NULL, kWhole}, kWhole, NULL};
    return e;
}

struct Csr {
    int32_t n_rows;
    const int32_t* row_ptr;
    const int32_t* col_idx;
    const float* values;
};

/*
 * Splits rows into chunks of roughly equal cost (nnz + 1 per row, the +1 standing for the
 * epilogue's row write). Power-law graphs put most non-zeros in a few hub rows; equal-row
 * blocks would leave one thread with the hubs. Several chunks per thread plus a dynamic
 * schedule absorb the remaining imbalance. Chunking never changes results: each row is still
 * computed by exactly one thread in CSR order.
 */
std::vector<int32_t> balanced_chunks(const Csr& a, int threads) {
    const int64_t n = a.n_rows;
    const int64_t total = (int64_t) a.row_ptr[n] + n;
    int64_t chunks = std::min<int64_t>(n, std::max(1, threads) * 8);
    if (chunks < 1) chunks = 1;
    std::vector<int32_t> bounds((size_t) chunks + 1, 0);
    for (int64_t c = 1; c < chunks; ++c) {
        const int64_t target = total * c / chunks;
        /* smallest r with cost-before-r >= target; cost-before-r = row_ptr[r] + r is increasing */
        int64_t lo = bounds[(size_t) c - 1], hi = n;
        while (lo < hi) {
            const int64_t mid = lo + (hi - lo) / 2;
            if ((int64_t) a.row_ptr[mid] + mid < target) lo = mid + 1; else hi = mid;
        }
        bounds[(size_t) c] = (int32_t) lo;
    }
    bounds[(size_t) chunks] = (int32_t) n;
    return bounds;
}

/* Squared norm in double over 8 fixed partial sums: without them the sum is one serial chain
 * of dependent adds (the compiler may not reassociate), which cost as much as the SpMM row. The
 * order is fixed, so the value does not depend on threads. */
inline double row_sq(const float* r, int64_t n) {
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const int64_t full = n - n % 8;
    for (int64_t k = 0; k < full; k += 8) {
        for (int j = 0; j < 8; ++j) part[j] += (double) r[k + j] * (double) r[k + j];
    }
    double tail = 0.0;
    for (int64_t k = full; k < n; ++k) tail += (double) r[k] * (double) r[k];
    return ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7])) + tail;
}

#ifndef BM3_PF
#define BM3_PF 16
#endif

/* D > 0: the width is a compile-time constant, so the accumulator row lives in registers and
 * the inner loop is fully unrolled/vectorised. D == 0: any width, accumulator on the heap. */
template <int D>
inline void process_row(const Csr& a, int64_t i, const Rows& x, int64_t d,
                        const Epilogue& e, float* heap_acc) {
    alignas(64) float local[D > 0 ? D : 1];
    float* __restrict acc = D > 0 ? local : heap_acc;
    const int64_t n = D > 0 ? D : d;
    for (int64_t k = 0; k < n; ++k) acc[k] = 0.0f;
    const int32_t begin = a.row_ptr[i], end = a.row_ptr[i + 1];
    const int32_t last = a.row_ptr[a.n_rows];
    for (int32_t j = begin; j < end; ++j) {
        /* the gathered rows are random accesses that miss the cache when X is cold: ask for
         * every line of the row BM3_PF non-zeros ahead, past this row's end (CSR is one array) */
        if (j + BM3_PF < last) {
            const char* pr = (const char*) x.row(a.col_idx[j + BM3_PF], n);
            for (int64_t off = 0; off < n * 4; off += 64) __builtin_prefetch(pr + off);
        }
        const float v = a.values[j];
        const float* __restrict xr = x.row(a.col_idx[j], n);
        for (int64_t k = 0; k < n; ++k) acc[k] += v * xr[k];
    }
    if (e.store) {
        float* __restrict s = e.store + i * n;
        for (int64_t k = 0; k < n; ++k) s[k] = acc[k];
    }
    if (e.h.top) {
        /* base may equal h (in-place running sum), so no __restrict here */
        float* hr = e.h.row(i, n);
        const float* br = e.base.row(i, n);
        const float scale = e.scale;
        if (e.residual.top && i >= e.residual_from) {
            const float* rr = e.residual.row(i, n);
            for (int64_t k = 0; k < n; ++k) hr[k] = (br[k] + acc[k]) * scale + rr[k];
        } else {
            for (int64_t k = 0; k < n; ++k) hr[k] = (br[k] + acc[k]) * scale;
        }
        if (e.row_sq) e.row_sq[i] = row_sq(hr, n);
    }
}

template <int D>
inline void process_rows(const Csr& a, int64_t lo, int64_t hi, const Rows& x, int64_t d,
                         const Epilogue& e, float* heap_acc) {
    for (int64_t i = lo; i < hi; ++i) process_row<D>(a, i, x, d, e, heap_acc);
}

/* The build targets x86-64-v2 (runs anywhere), but SpMM is ~25% faster with AVX2/FMA: GCC
 * emits both versions of the row loops and picks one at load time (ifunc). The clones sit on
 * plain functions called per chunk because OpenMP outlines parallel regions before cloning. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(BM3_NO_CLONES)
#define BM3_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define BM3_CLONES
#endif

typedef void (*RowsFn)(const Csr&, int64_t, int64_t, const Rows&, int64_t, const Epilogue&, float*);

#define BM3_ROWS_FN(NAME, D)                                                                  \
    BM3_CLONES void NAME(const Csr& a, int64_t lo, int64_t hi, const Rows& x, int64_t d,     \
                         const Epilogue& e, float* heap_acc) {                                \
        process_rows<D>(a, lo, hi, x, d, e, heap_acc);                                        \
    }
BM3_ROWS_FN(rows_16, 16)
BM3_ROWS_FN(rows_32, 32)
BM3_ROWS_FN(rows_64, 64)
BM3_ROWS_FN(rows_128, 128)
BM3_ROWS_FN(rows_any, 0)
#undef BM3_ROWS_FN

void pass(const Csr& a, const Rows& x, int64_t d, const Epilogue& e) {
    /* widths BM3 actually uses get a register-resident accumulator */
    const RowsFn rows = d == 16 ? rows_16 : d == 32 ? rows_32 : d == 64 ? rows_64
                      : d == 128 ? rows_128 : rows_any;
    const std::vector<int32_t> bounds = balanced_chunks(a, max_threads());
    const int64_t chunks = (int64_t) bounds.size() - 1;
    const bool fixed = d == 16 || d == 32 || d == 64 || d == 128;
#pragma omp parallel
    {
        std::vector<float> heap_acc(fixed ? 0 : (size_t) d);
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < chunks; ++c) {
            rows(a, bounds[(size_t) c], bounds[(size_t) c + 1], x, d, e, heap_acc.data());
        }
    }
}

/*
 * H = mean_{l=0..L} Â^l X0 (+ X0 on rows >= x0.split when residual), written to h, with each
 * row's squared norm in row_sq when given. Layer l's product is kept only if layer l+1 needs
 * it; the buffers alternate a, b, a, ...
 */
void encoder(const Csr& a, const Rows& x0, int64_t d, int32_t n_layers, const OutRows& h,
             float* scratch_a, float* scratch_b, bool residual, double* row_sq) {
    const Rows none = {NULL, NULL, kWhole};
    const Rows res = residual ? x0 : none;
    if (n_layers == 0) {
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < (int64_t) a.n_rows; ++i) {
            const float* xr = x0.row(i, d);
            float* hr = h.row(i, d);
            const float f = residual && i >= x0.split ? 2.0f : 1.0f;
            for (int64_t k = 0; k < d; ++k) hr[k] = xr[k] * f;
            if (row_sq) row_sq[i] = bm3cpu::row_sq(hr, d);
        }
        return;
    }
    const float inv = 1.0f / (float) (n_layers + 1);
    const Rows hr = {h.top, h.bottom, h.split};
    Rows cur = x0;
    for (int32_t l = 1; l <= n_layers; ++l) {
        const bool last = l == n_layers;
        float* next = last ? NULL : ((l % 2) == 1 ? scratch_a : scratch_b);
        Epilogue e = {next, h, l == 1 ? x0 : hr, last ? inv : 1.0f, last ? res : none, x0.split,
                      last ? row_sq : NULL};
        pass(a, cur, d, e);
        cur = whole(next);
    }
}

bool csr_args_ok(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                 const float* values, int64_t d) {
    if (n_rows < 0 || d <= 0 || !row_ptr) return false;
    if (row_ptr[n_rows] > 0 && (!col_idx || !values)) return false;
    return true;
}

template <typename I>
bool indices_ok(const I* index, int64_t batch, int64_t rows) {
    if (!index) return batch <= rows;
    for (int64_t b = 0; b < batch; ++b) {
        if (index[b] < 0 || (int64_t) index[b] >= rows) return false;
    }
    return true;
}

template <typename I>
int bootstrap_loss(const float* p, int64_t p_rows, const I* p_index,
                   const float* t, int64_t t_rows, const I* t_index,
                   int64_t batch, int64_t d, float grad_scale,
                   float* grad_p, float* loss_out) {
    if (!p || !t || !loss_out || batch <= 0 || d <= 0 || p_rows <= 0 || t_rows <= 0) {
        return BM3_ERR_ARGUMENT;
    }
    if (!indices_ok(p_index, batch, p_rows) || !indices_ok(t_index, batch, t_rows)) {
        return BM3_ERR_INDEX;
    }
    const double eps = 1e-8;
    const double inv_batch = 1.0 / (double) batch;
    std::vector<double> one_minus_cos((size_t) batch);
    /* d loss / d p_b = alpha_b * t_b + beta_b * p_b: two scalars per row replace any
     * normalised copy of P or T. */
    std::vector<float> alpha((size_t) batch), beta((size_t) batch);

    /* One fork/join for both phases, and none at all for small batches: at BM3's B = 2048,
     * d = 64 the whole loss is ~0.1 ms of work, less than what waking a descheduled worker
     * can cost on a busy machine. */
    const bool parallel = batch * d >= kLossParallelElements;
#pragma omp parallel if (parallel)
    {
#pragma omp for schedule(static)
        for (int64_t b = 0; b < batch; ++b) {
            const float* pr = p + (int64_t) (p_index ? p_index[b] : b) * d;
            const float* tr = t + (int64_t) (t_index ? t_index[b] : b) * d;
            /* four fixed partial sums: vectorisable, and the same order for any thread count */
            double pt[4] = {0, 0, 0, 0}, pp[4] = {0, 0, 0, 0}, tt[4] = {0, 0, 0, 0};
            int64_t k = 0;
            for (; k + 4 <= d; k += 4) {
                for (int l = 0; l < 4; ++l) {
                    const double pv = pr[k + l], tv = tr[k + l];
                    pt[l] += pv * tv;
                    pp[l] += pv * pv;
                    tt[l] += tv * tv;
                }
            }
            for (; k < d; ++k) {
                const double pv = pr[k], tv = tr[k];
                pt[0] += pv * tv;
                pp[0] += pv * pv;
                tt[0] += tv * tv;
            }
            const double dot = (pt[0] + pt[1]) + (pt[2] + pt[3]);
            const double p2 = (pp[0] + pp[1]) + (pp[2] + pp[3]);
            const double t2 = (tt[0] + tt[1]) + (tt[2] + tt[3]);
            const double pnorm = std::sqrt(p2), tnorm = std::sqrt(t2);
            /* PyTorch 2.x: each norm clamped to eps separately, then <p/|p|', t/|t|'> */
            const double pn = std::max(pnorm, eps), tn = std::max(tnorm, eps);
            const double cos = dot / (pn * tn);
            one_minus_cos[(size_t) b] = 1.0 - cos;
            const double g = (double) grad_scale * inv_batch;
            alpha[(size_t) b] = (float) (-g / (pn * tn));
            /* autograd differentiates the unclamped norm (the clamp runs under no_grad), and
             * the norm's gradient at a zero vector is zero */
            beta[(size_t) b] = pnorm > 0.0 ? (float) (g * cos / (pn * pnorm)) : 0.0f;
        }
        /* implicit barrier: every alpha/beta is ready */

        if (grad_p) {
            /* Scatter-add by row ownership: thread w owns the rows r with r % W == w and adds
             * its contributions in increasing b. No atomics, no races with duplicate indices,
             * and each row sees the same order whatever W is. */
#ifdef _OPENMP
            const int64_t w = omp_get_thread_num(), workers = omp_get_num_threads();
#else
            const int64_t w = 0, workers = 1;
#endif
            for (int64_t b = 0; b < batch; ++b) {
                const int64_t r = p_index ? (int64_t) p_index[b] : b;
                if (r % workers != w) continue;
                const float* __restrict pr = p + r * d;
                const float* __restrict tr = t + (int64_t) (t_index ? t_index[b] : b) * d;
                float* __restrict gr = grad_p + r * d;
                const float a = alpha[(size_t) b], c = beta[(size_t) b];
                for (int64_t k = 0; k < d; ++k) gr[k] += a * tr[k] + c * pr[k];
            }
        }
    }

    double sum = 0.0;  /* serial, fixed order: the loss is bitwise reproducible */
    for (int64_t b = 0; b < batch; ++b) sum += one_minus_cos[(size_t) b];
    *loss_out = (float) (sum * inv_batch);
    return BM3_OK;
}


/* ------------------------------------------------------------------ dropout gather */

/* row_ids == NULL: src is the full matrix (row r keyed as r) */
int dropout_gather(const float* src, int64_t rows, int64_t d, const int64_t* index, int64_t batch,
                   const int64_t* row_ids, float p, uint64_t seed, float* out) {
    if (!src || !index || !out || rows <= 0 || d <= 0 || batch < 0 || !(p >= 0.0f && p < 1.0f)) {
        return BM3_ERR_ARGUMENT;
    }
    for (int64_t b = 0; b < batch; ++b) {
        if (index[b] < 0 || index[b] >= rows) return BM3_ERR_INDEX;
    }
    if (row_ids) {
        for (int64_t r = 0; r < rows; ++r) {
            if (row_ids[r] < 0) return BM3_ERR_INDEX;
        }
    }
    const uint32_t threshold = bm3_dropout_threshold(p);
    const float scale = (float) (1.0 / (1.0 - (double) p));
    /* batch * d is ~1e5 in BM3: one thread is faster than a fork/join on 2 busy cores */
    #pragma omp parallel for schedule(static) if (batch * d >= (1 << 18))
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t r = index[b];
        const float* s = src + r * d;
        float* o = out + b * d;
        const uint64_t base = (uint64_t) (row_ids ? row_ids[r] : r) * (uint64_t) d;
        for (int64_t c = 0; c < d; ++c) {
            o[c] = bm3_dropout_keep(seed, base + (uint64_t) c, threshold) ? s[c] * scale : 0.0f;
        }
    }
    return BM3_OK;
}

/* ------------------------------------------------------------------ fused Adam */

struct AdamScalars {
    float b1, b2, one_minus_b1, one_minus_b2, step_size, inv_sqrt_bc2, eps;
};

/* Element-wise, so any split is bitwise identical. Memory-bound once vectorised: needs
 * -fno-math-errno (else sqrt stays scalar) and gains ~2x from the AVX2 clone. */
BM3_CLONES void adam_range(float* param, const float* grad, float* m_buf, float* v_buf, int64_t lo,
                           int64_t hi, const AdamScalars& s) {
    for (int64_t i = lo; i < hi; ++i) {
        const float g = grad[i];
        const float m = m_buf[i] * s.b1 + g * s.one_minus_b1;
        const float v = v_buf[i] * s.b2 + g * g * s.one_minus_b2;
        m_buf[i] = m;
        v_buf[i] = v;
        param[i] -= s.step_size * m / (std::sqrt(v) * s.inv_sqrt_bc2 + s.eps);
    }
}

/* scalars as PyTorch's Adam forms them (double), applied in float like its tensor ops */
inline AdamScalars adam_scalars(double lr, double beta1, double beta2, double eps, int64_t step) {
    const double bc1 = 1.0 - std::pow(beta1, (double) step);
    const double bc2 = 1.0 - std::pow(beta2, (double) step);
    return {(float) beta1, (float) beta2, (float) (1.0 - beta1), (float) (1.0 - beta2),
            (float) (lr / bc1), (float) (1.0 / std::sqrt(bc2)), (float) eps};
}

/* What dense Adam did to a row during the steps it had no gradient (see bm3_cpu_adam_rows). */
struct CatchUp {
    int64_t skipped;
    float m_decay, v_decay, step_sum, eps_mean;
};

/* The zero-gradient steps t0 + 1 .. through of a row last updated at t0 (none when t0 == 0:
 * zero moments, dense Adam does not move the row). Step j moves the parameter by
 * w_j m0 / (sqrt(v0) + eps / c_j), w_j = A_j / c_j, A_j = lr b1^j / (1 - b1^(t0+j)),
 * c_j = b2^(j/2) / sqrt(1 - b2^(t0+j)). Their sum is taken as W m0 / (sqrt(v0) + e), W = sum w_j
 * and e the w-weighted mean of eps / c_j: exact without eps and for one skipped step; otherwise
 * off to second order in the spread of eps / c_j, which only matters where sqrt(v0) ~ eps. */
inline CatchUp catch_up(int64_t t0, int64_t through, double lr, double beta1, double beta2, double eps) {
    CatchUp c = {0, 1.0f, 1.0f, 0.0f, (float) eps};
    if (t0 <= 0 || through <= t0) return c;
    c.skipped = through - t0;
    c.m_decay = (float) std::pow(beta1, (double) c.skipped);
    c.v_decay = (float) std::pow(beta2, (double) c.skipped);
    /* w_j shrinks by b1 / sqrt(b2) ~ 0.9 per step: stop once a term is below 1e-12 of the sum
     * (~260 terms; never more than 512). Powers are carried along, not recomputed: this runs
     * once per row read. */
    const int64_t terms = c.skipped < 512 ? c.skipped : 512;
    const double sqrt_b2 = std::sqrt(beta2);
    double sum_w = 0.0, sum_we = 0.0, b1j = 1.0, sqrt_b2j = 1.0;
    double b1t = std::pow(beta1, (double) t0), b2t = std::pow(beta2, (double) t0);
    for (int64_t j = 1; j <= terms; ++j) {
        b1j *= beta1;
        sqrt_b2j *= sqrt_b2;
        b1t *= beta1;
        b2t *= beta2;
        const double cj = sqrt_b2j / std::sqrt(1.0 - b2t);
        const double w = lr * b1j / (1.0 - b1t) / cj;
        sum_w += w;
        sum_we += w * eps / cj;
        if (w < 1e-12 * sum_w) break;
    }
    c.step_sum = (float) sum_w;
    c.eps_mean = (float) (sum_we / sum_w);
    return c;
}

BM3_CLONES void catch_up_range(float* p, float* m, float* v, int64_t d, const CatchUp& c) {
    if (c.skipped == 0) return;
    for (int64_t i = 0; i < d; ++i) {
        p[i] -= c.step_sum * m[i] / (std::sqrt(v[i]) + c.eps_mean);
        m[i] *= c.m_decay;
        v[i] *= c.v_decay;
    }
}

/* The parameter values catch_up_range would leave, written to out; p, m, v untouched. The same
 * expression as there, so a later catch-up of the row produces these very floats. */
BM3_CLONES void catch_up_values(const float* p, const float* m, const float* v, float* out, int64_t d,
                                const CatchUp& c) {
    if (c.skipped == 0) {
        std::copy(p, p + d, out);
        return;
    }
    for (int64_t i = 0; i < d; ++i) out[i] = p[i] - c.step_sum * m[i] / (std::sqrt(v[i]) + c.eps_mean);
}

/* The catch-ups of one call, computed once per distinct last step (rows read together were
 * often last read together: a few hundred distinct values for a batch of ~2,000 rows), each a
 * loop of up to ~260 terms. */
struct CatchUpTable {
    std::vector<int64_t> t0;
    std::vector<CatchUp> c;

    CatchUpTable(const int64_t* row_index, int64_t n_index, const int64_t* last_step, int64_t through,
                 double lr, double beta1, double beta2, double eps) {
        t0.resize((size_t) n_index);
        for (int64_t k = 0; k < n_index; ++k) t0[(size_t) k] = last_step[row_index[k]];
        std::sort(t0.begin(), t0.end());
        t0.erase(std::unique(t0.begin(), t0.end()), t0.end());
        c.resize(t0.size());
        for (size_t j = 0; j < t0.size(); ++j) c[j] = catch_up(t0[j], through, lr, beta1, beta2, eps);
    }

    const CatchUp& of(int64_t last) const {
        return c[(size_t) (std::lower_bound(t0.begin(), t0.end(), last) - t0.begin())];
    }
};

/* Arguments of the row-sparse Adam functions; `update` (bm3_cpu_adam_rows) needs every row's
 * last step < step, the catch-up only <= step. */
inline int check_rows(const float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                      const float* exp_avg, const float* exp_avg_sq, const int64_t* last_step, int64_t step,
                      bool update) {
    if (!param || !exp_avg || !exp_avg_sq || !last_step || rows <= 0 || d <= 0 || n_index < 0
        || step < (update ? 1 : 0) || (n_index > 0 && !row_index)) {
        return BM3_ERR_ARGUMENT;
    }
    for (int64_t k = 0; k < n_index; ++k) {
        if (row_index[k] < 0 || row_index[k] >= rows) return BM3_ERR_INDEX;
        if (k > 0 && row_index[k] <= row_index[k - 1]) return BM3_ERR_ARGUMENT; /* not strictly increasing */
        const int64_t t0 = last_step[row_index[k]];
        if (t0 < 0 || (update ? t0 >= step : t0 > step)) return BM3_ERR_ARGUMENT;
    }
    return BM3_OK;
}

}  // namespace bm3cpu

extern "C" {

const char* bm3_status_string(int status) {
    switch (status) {
        case BM3_OK: return "ok";
        case BM3_ERR_ARGUMENT: return "invalid argument (null pointer or bad size)";
        case BM3_ERR_INDEX: return "gather index out of range";
        case BM3_ERR_CSR: return "malformed CSR structure";
        default: return status >= BM3_ERR_CUDA_BASE ? "CUDA error" : "unknown status";
    }
}

int32_t bm3_cpu_max_threads(void) {
    return (int32_t) bm3cpu::max_threads();
}

int bm3_csr_check(int32_t n_rows, int32_t n_cols, const int32_t* row_ptr,
                  const int32_t* col_idx, int64_t nnz) {
    if (n_rows < 0 || n_cols < 0 || nnz < 0 || !row_ptr || (nnz > 0 && !col_idx)) {
        return BM3_ERR_ARGUMENT;
    }
    if (row_ptr[0] != 0 || (int64_t) row_ptr[n_rows] != nnz) return BM3_ERR_CSR;
    for (int32_t i = 0; i < n_rows; ++i) {
        if (row_ptr[i + 1] < row_ptr[i]) return BM3_ERR_CSR;
    }
    for (int64_t j = 0; j < nnz; ++j) {
        if (col_idx[j] < 0 || col_idx[j] >= n_cols) return BM3_ERR_CSR;
    }
    return BM3_OK;
}

int bm3_cpu_spmm(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                 const float* values, const float* x, int64_t d, float* y) {
    if (!bm3cpu::csr_args_ok(n_rows, row_ptr, col_idx, values, d) || !y) return BM3_ERR_ARGUMENT;
    if (row_ptr[n_rows] > 0 && !x) return BM3_ERR_ARGUMENT;
    const bm3cpu::Csr a = {n_rows, row_ptr, col_idx, values};
    bm3cpu::pass(a, bm3cpu::whole(x), d, bm3cpu::store_only(y));
    return BM3_OK;
}

int bm3_cpu_lightgcn_mean(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                          const float* values, const float* x0, int64_t d, int32_t n_layers,
                          float* h, float* scratch_a, float* scratch_b) {
    if (!bm3cpu::csr_args_ok(n_rows, row_ptr, col_idx, values, d) || !x0 || !h || n_layers < 0
        || (n_layers >= 2 && !scratch_a) || (n_layers >= 3 && !scratch_b)) {
        return BM3_ERR_ARGUMENT;
    }
    const bm3cpu::Csr a = {n_rows, row_ptr, col_idx, values};
    bm3cpu::encoder(a, bm3cpu::whole(x0), d, n_layers, bm3cpu::whole_out(h), scratch_a, scratch_b,
                    false, NULL);
    return BM3_OK;
}

int bm3_cpu_lightgcn_mean_blocks(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                                 const float* values, int32_t n_top, const float* x_top,
                                 const float* x_bottom, int64_t d, int32_t n_layers,
                                 int32_t bottom_residual, float* h_top, float* h_bottom,
                                 float* scratch_a, float* scratch_b, double* row_sq) {
    if (!bm3cpu::csr_args_ok(n_rows, row_ptr, col_idx, values, d) || n_layers < 0
        || n_top < 0 || n_top > n_rows
        || (n_top > 0 && (!x_top || !h_top)) || (n_top < n_rows && (!x_bottom || !h_bottom))
        || (n_layers >= 2 && !scratch_a) || (n_layers >= 3 && !scratch_b)) {
        return BM3_ERR_ARGUMENT;
    }
    const bm3cpu::Csr a = {n_rows, row_ptr, col_idx, values};
    /* a non-null top keeps "no h" (top == NULL) distinct from an empty top block */
    const float* xt = n_top > 0 ? x_top : x_bottom;
    float* ht = n_top > 0 ? h_top : h_bottom;
    const bm3cpu::Rows x = {xt, x_bottom, n_top};
    const bm3cpu::OutRows h = {ht, h_bottom, n_top};
    bm3cpu::encoder(a, x, d, n_layers, h, scratch_a, scratch_b, bottom_residual != 0, row_sq);
    return BM3_OK;
}

int bm3_cpu_bootstrap_loss_i64(const float* p, int64_t p_rows, const int64_t* p_index,
                               const float* t, int64_t t_rows, const int64_t* t_index,
                               int64_t batch, int64_t d, float grad_scale,
                               float* grad_p, float* loss_out) {
    return bm3cpu::bootstrap_loss(p, p_rows, p_index, t, t_rows, t_index, batch, d,
                                  grad_scale, grad_p, loss_out);
}

int bm3_cpu_bootstrap_loss_i32(const float* p, int64_t p_rows, const int32_t* p_index,
                               const float* t, int64_t t_rows, const int32_t* t_index,
                               int64_t batch, int64_t d, float grad_scale,
                               float* grad_p, float* loss_out) {
    return bm3cpu::bootstrap_loss(p, p_rows, p_index, t, t_rows, t_index, batch, d,
                                  grad_scale, grad_p, loss_out);
}

int bm3_cpu_dropout_gather_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                               int64_t batch, float p, uint64_t seed, float* out) {
    return bm3cpu::dropout_gather(src, rows, d, index, batch, NULL, p, seed, out);
}

int bm3_cpu_dropout_gather_rows_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                    int64_t batch, const int64_t* row_ids, float p, uint64_t seed,
                                    float* out) {
    if (!row_ids) return BM3_ERR_ARGUMENT;
    return bm3cpu::dropout_gather(src, rows, d, index, batch, row_ids, p, seed, out);
}

int bm3_cpu_adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                      int64_t n, double lr, double beta1, double beta2, double eps, int64_t step) {
    if (!param || !grad || !exp_avg || !exp_avg_sq || n < 0 || step < 1) return BM3_ERR_ARGUMENT;
    const bm3cpu::AdamScalars s = bm3cpu::adam_scalars(lr, beta1, beta2, eps, step);
    const int64_t block = 1 << 14; /* 64 KB of each array per block: fits L2 alongside the others */
    const int64_t blocks = (n + block - 1) / block;
    #pragma omp parallel for schedule(static) if (blocks >= 4)
    for (int64_t b = 0; b < blocks; ++b) {
        bm3cpu::adam_range(param, grad, exp_avg, exp_avg_sq, b * block, std::min(n, (b + 1) * block), s);
    }
    return BM3_OK;
}

int bm3_cpu_adam_rows(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                      const float* grad_rows, float* exp_avg, float* exp_avg_sq, int64_t* last_step,
                      int64_t step, double lr, double beta1, double beta2, double eps) {
    if (n_index > 0 && !grad_rows) return BM3_ERR_ARGUMENT;
    const int st = bm3cpu::check_rows(param, rows, d, row_index, n_index, exp_avg, exp_avg_sq, last_step, step, true);
    if (st != BM3_OK) return st;
    const bm3cpu::AdamScalars s = bm3cpu::adam_scalars(lr, beta1, beta2, eps, step);
    const bm3cpu::CatchUpTable table(row_index, n_index, last_step, step - 1, lr, beta1, beta2, eps);
    /* rows of 4096 floats: one row is enough work per iteration; distinct rows, so race-free */
    #pragma omp parallel for schedule(static) if (n_index * d >= (1 << 16))
    for (int64_t k = 0; k < n_index; ++k) {
        const int64_t r = row_index[k];
        float* p = param + r * d;
        float* m = exp_avg + r * d;
        float* v = exp_avg_sq + r * d;
        bm3cpu::catch_up_range(p, m, v, d, table.of(last_step[r]));
        bm3cpu::adam_range(p, grad_rows + k * d, m, v, 0, d, s);
        last_step[r] = step;
    }
    return BM3_OK;
}

int bm3_cpu_adam_rows_catch_up(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                               float* exp_avg, float* exp_avg_sq, int64_t* last_step, int64_t through,
                               double lr, double beta1, double beta2, double eps) {
    const int st = bm3cpu::check_rows(param, rows, d, row_index, n_index, exp_avg, exp_avg_sq, last_step, through, false);
    if (st != BM3_OK) return st;
    const bm3cpu::CatchUpTable table(row_index, n_index, last_step, through, lr, beta1, beta2, eps);
    #pragma omp parallel for schedule(static) if (n_index * d >= (1 << 16))
    for (int64_t k = 0; k < n_index; ++k) {
        const int64_t r = row_index[k];
        bm3cpu::catch_up_range(param + r * d, exp_avg + r * d, exp_avg_sq + r * d, d, table.of(last_step[r]));
        last_step[r] = through;
    }
    return BM3_OK;
}

int bm3_cpu_adam_rows_gather(const float* param, int64_t rows, int64_t d, const int64_t* row_index,
                             int64_t n_index, const float* exp_avg, const float* exp_avg_sq,
                             const int64_t* last_step, int64_t through, double lr, double beta1,
                             double beta2, double eps, float* out) {
    if (n_index > 0 && !out) return BM3_ERR_ARGUMENT;
    const int st = bm3cpu::check_rows(param, rows, d, row_index, n_index, exp_avg, exp_avg_sq, last_step, through, false);
    if (st != BM3_OK) return st;
    const bm3cpu::CatchUpTable table(row_index, n_index, last_step, through, lr, beta1, beta2, eps);
    #pragma omp parallel for schedule(static) if (n_index * d >= (1 << 16))
    for (int64_t k = 0; k < n_index; ++k) {
        const int64_t r = row_index[k];
        bm3cpu::catch_up_values(param + r * d, exp_avg + r * d, exp_avg_sq + r * d, out + k * d, d,
                                table.of(last_step[r]));
    }
    return BM3_OK;
}

}  // extern "C"
