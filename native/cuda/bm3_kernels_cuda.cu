/*
 * CUDA implementation of the bm3_cuda_* functions of bm3_kernels.h (built into libbm3cuda.so
 * by native/Makefile; the default Maven build never needs nvcc).
 *
 * Launch shapes: one warp per (CSR row, 128-column tile) for SpMM, one warp per batch row for
 * the loss. Work is only enqueued on the caller's stream (LibTorch's current stream in the
 * engine); nothing here synchronises.
 */
#include "bm3_kernels.h"

#include <cuda_runtime.h>

namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr int kTile = 4 * kWarp;   /* columns per warp: 4 accumulators per lane */

inline int status_of(cudaError_t err) {
    return err == cudaSuccess ? BM3_OK : BM3_ERR_CUDA_BASE + (int) err;
}

/* A matrix held as two row blocks (rows [0, split) at top, the rest at bottom), as on the CPU:
 * BM3's X0 = [E_U; E_I] read in place. A contiguous matrix has split = kWhole. */
constexpr int64_t kWhole = 0x7fffffffffffffffLL;

template <typename T>
struct Blocks {
    T* top;
    T* bottom;
    int64_t split;
    __host__ __device__ inline T* row(int64_t i, int64_t d) const {
        return i < split ? top + i * d : bottom + (i - split) * d;
    }
};
typedef Blocks<const float> Rows;
typedef Blocks<float> OutRows;

inline Rows whole(const float* p) { Rows r = {p, NULL, kWhole}; return r; }

/* Same epilogue as the CPU twin: store the product and/or h = (base + product) * scale, plus
 * the residual rows >= residual_from on the last layer (row norms: a separate kernel). */
struct Epilogue {
    float* store;
    OutRows h;
    Rows base;
    float scale;
    Rows residual;
    int64_t residual_from;
};

inline Epilogue store_only(float* y) {
    Epilogue e = {y, {NULL, NULL, kWhole}, {NULL, NULL, kWhole}, 1.0f, {NULL, NULL, kWhole}, kWhole};
    return e;
}

/*
 * Each warp walks its row's non-zeros 32 at a time: lane j loads (col, val) of one non-zero
 * (coalesced), then they are broadcast with shuffles while every lane accumulates its 4
 * columns of the gathered X rows (coalesced 128-byte reads). The summation order per output
 * element is the CSR order, so the result is deterministic.
 */
__global__ void spmm_kernel(int32_t n_rows, const int32_t* __restrict__ row_ptr,
                            const int32_t* __restrict__ col_idx,
                            const float* __restrict__ values, Rows x,
                            int64_t d, int64_t tiles, Epilogue e) {
    const int64_t warp = ((int64_t) blockIdx.x * blockDim.x + threadIdx.x) / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (warp >= (int64_t) n_rows * tiles) return;
    const int64_t row = warp / tiles;
    const int64_t col0 = (warp % tiles) * kTile + lane;
    float acc[4] = {0.f, 0.f, 0.f, 0.f};
    const int32_t begin = row_ptr[row], end = row_ptr[row + 1];
    for (int32_t base = begin; base < end; base += kWarp) {
        const int32_t j = base + lane;
        int32_t my_col = 0;
        float my_val = 0.f;
        if (j < end) {
            my_col = col_idx[j];
            my_val = values[j];
        }
        const int n = min(kWarp, end - base);
        for (int s = 0; s < n; ++s) {
            const int32_t c = __shfl_sync(0xffffffffu, my_col, s);
            const float v = __shfl_sync(0xffffffffu, my_val, s);
            const float* xr = x.row(c, d);
#pragma unroll
            for (int q = 0; q < 4; ++q) {
                const int64_t k = col0 + q * kWarp;
                if (k < d) acc[q] += v * __ldg(xr + k);
            }
        }
    }
#pragma unroll
    for (int q = 0; q < 4; ++q) {
        const int64_t k = col0 + q * kWarp;
        if (k >= d) continue;
        if (e.store) e.store[row * d + k] = acc[q];
        if (e.h.top) {
            float v = (e.base.row(row, d)[k] + acc[q]) * e.scale;
            if (e.residual.top && row >= e.residual_from) v += e.residual.row(row, d)[k];
            e.h.row(row, d)[k] = v;
        }
    }
}

int launch_pass(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                const float* values, Rows x, int64_t d, Epilogue e,
                cudaStream_t stream) {
    if (n_rows == 0) return BM3_OK;
    const int64_t tiles = (d + kTile - 1) / kTile;
    const int64_t warps = (int64_t) n_rows * tiles;
    const int64_t blocks = (warps + kWarpsPerBlock - 1) / kWarpsPerBlock;
    if (blocks > 0x7fffffffLL) return BM3_ERR_ARGUMENT;
    spmm_kernel<<<(unsigned) blocks, kWarpsPerBlock * kWarp, 0, stream>>>(
        n_rows, row_ptr, col_idx, values, x, d, tiles, e);
    return status_of(cudaGetLastError());
}

__device__ inline double warp_sum(double v) {
    for (int off = kWarp / 2; off > 0; off /= 2) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
}

/* One warp per batch row: fused gather, cosine, loss term and gradient scatter. */
template <typename I>
__global__ void bootstrap_rows_kernel(const float* __restrict__ p, const I* __restrict__ p_index,
                                      const float* __restrict__ t, const I* __restrict__ t_index,
                                      int64_t batch, int64_t d, float grad_scale,
                                      float* grad_p, double* one_minus_cos) {
    const int64_t b = ((int64_t) blockIdx.x * blockDim.x + threadIdx.x) / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (b >= batch) return;
    const int64_t pr = p_index ? (int64_t) p_index[b] : b;
    const int64_t tr = t_index ? (int64_t) t_index[b] : b;
    const float* prow = p + pr * d;
    const float* trow = t + tr * d;
    double pt = 0.0, pp = 0.0, tt = 0.0;
    for (int64_t k = lane; k < d; k += kWarp) {
        const double pv = prow[k], tv = trow[k];
        pt += pv * tv;
        pp += pv * pv;
        tt += tv * tv;
    }
    /* xor-butterfly: every lane ends with the same, order-fixed sums */
    pt = warp_sum(pt);
    pp = warp_sum(pp);
    tt = warp_sum(tt);
    const double eps = 1e-8;
    const double pnorm = sqrt(pp), tnorm = sqrt(tt);
    const double pn = fmax(pnorm, eps), tn = fmax(tnorm, eps);
    const double cos = pt / (pn * tn);
    if (lane == 0) one_minus_cos[b] = 1.0 - cos;
    if (!grad_p) return;
    const double g = (double) grad_scale / (double) batch;
    const float alpha = (float) (-g / (pn * tn));
    const float beta = pnorm > 0.0 ? (float) (g * cos / (pn * pnorm)) : 0.0f;
    float* grow = grad_p + pr * d;
    for (int64_t k = lane; k < d; k += kWarp) {
        /* duplicate indices across warps: atomics (order, hence last bits, may vary) */
        atomicAdd(grow + k, alpha * trow[k] + beta * prow[k]);
    }
}

/* One block, fixed strided partition and fixed tree: a deterministic mean. */
__global__ void mean_kernel(const double* __restrict__ v, int64_t n, float* out) {
    __shared__ double part[256];
    double s = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += v[i];
    part[threadIdx.x] = s;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w /= 2) {
        if ((int) threadIdx.x < w) part[threadIdx.x] += part[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) *out = (float) (part[0] / (double) n);
}

template <typename I>
int bootstrap_loss(const float* p, int64_t p_rows, const I* p_index,
                   const float* t, int64_t t_rows, const I* t_index,
                   int64_t batch, int64_t d, float grad_scale,
                   float* grad_p, float* loss_out, void* stream_ptr) {
    if (!p || !t || !loss_out || batch <= 0 || d <= 0 || p_rows <= 0 || t_rows <= 0
        || (!p_index && batch > p_rows) || (!t_index && batch > t_rows)) {
        return BM3_ERR_ARGUMENT;
    }
    cudaStream_t stream = (cudaStream_t) stream_ptr;
    double* one_minus_cos = NULL;
    /* stream-ordered allocation: no device-wide sync, served from the pool after warm-up */
    cudaError_t err = cudaMallocAsync((void**) &one_minus_cos, (size_t) batch * sizeof(double),
                                      stream);
    if (err != cudaSuccess) return status_of(err);
    const int64_t threads = kWarpsPerBlock * kWarp;
    const int64_t blocks = (batch * kWarp + threads - 1) / threads;
    bootstrap_rows_kernel<I><<<(unsigned) blocks, (unsigned) threads, 0, stream>>>(
        p, p_index, t, t_index, batch, d, grad_scale, grad_p, one_minus_cos);
    err = cudaGetLastError();
    if (err == cudaSuccess) {
        mean_kernel<<<1, 256, 0, stream>>>(one_minus_cos, batch, loss_out);
        err = cudaGetLastError();
    }
    const cudaError_t free_err = cudaFreeAsync(one_minus_cos, stream);
    return status_of(err != cudaSuccess ? err : free_err);
}

bool csr_args_ok(int32_t n_rows, const int32_t* row_ptr, int64_t d) {
    return n_rows >= 0 && d > 0 && row_ptr;
}

}  // namespace


/* one thread per output element; indices are trusted (checked on the host side of the CPU twin);
 * row_ids == NULL keys row r as r, else as row_ids[r] (a matrix holding some rows of a larger one) */
__global__ void dropout_gather_kernel(const float* __restrict__ src, int64_t d,
                                      const int64_t* __restrict__ index, int64_t batch,
                                      const int64_t* __restrict__ row_ids,
                                      uint32_t threshold, float scale, uint64_t seed,
                                      float* __restrict__ out) {
    const int64_t e = (int64_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= batch * d) return;
    const int64_t b = e / d, c = e - b * d;
    const int64_t r = index[b];
    const uint64_t element = (uint64_t) (row_ids ? row_ids[r] : r) * (uint64_t) d + (uint64_t) c;
    out[e] = bm3_dropout_keep(seed, element, threshold) ? src[r * d + c] * scale : 0.0f;
}

__global__ void adam_kernel(float* __restrict__ param, const float* __restrict__ grad,
                            float* __restrict__ m_buf, float* __restrict__ v_buf, int64_t n,
                            float b1, float b2, float one_minus_b1, float one_minus_b2,
                            float step_size, float inv_sqrt_bc2, float eps) {
    const int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const float g = grad[i];
    const float m = m_buf[i] * b1 + g * one_minus_b1;
    const float v = v_buf[i] * b2 + g * g * one_minus_b2;
    m_buf[i] = m;
    v_buf[i] = v;
    param[i] -= step_size * m / (sqrtf(v) * inv_sqrt_bc2 + eps);
}

/* one block per row: thread 0 works out the row's catch-up through step `through`
 * (bm3_cpu_adam_rows documents it) and the block shares the scalars; grad_rows == NULL is the
 * catch-up alone, else the Adam step `through + 1` follows */
__global__ void adam_rows_kernel(float* __restrict__ param, int64_t d, const int64_t* __restrict__ row_index,
                                 const float* __restrict__ grad_rows, float* __restrict__ m_buf,
                                 float* __restrict__ v_buf, int64_t* __restrict__ last_step, int64_t through,
                                 double lr, double beta1, double beta2, float step_size, float inv_sqrt_bc2,
                                 float eps, float* __restrict__ out) {
    __shared__ float m_decay, v_decay, step_sum, eps_mean;
    __shared__ int skipped;
    const int64_t k = blockIdx.x;
    const int64_t r = row_index[k];
    if (threadIdx.x == 0) {
        const int64_t t0 = last_step[r];
        skipped = 0;
        m_decay = v_decay = 1.0f;
        step_sum = 0.0f;
        eps_mean = eps;
        if (t0 > 0 && through > t0) {
            const int64_t n = through - t0;
            skipped = 1;
            m_decay = (float) pow(beta1, (double) n);
            v_decay = (float) pow(beta2, (double) n);
            const int64_t terms = n < 512 ? n : 512;
            const double sqrt_b2 = sqrt(beta2);
            double sum_w = 0.0, sum_we = 0.0, b1j = 1.0, sqrt_b2j = 1.0;
            double b1t = pow(beta1, (double) t0), b2t = pow(beta2, (double) t0);
            for (int64_t j = 1; j <= terms; ++j) {
                b1j *= beta1;
                sqrt_b2j *= sqrt_b2;
                b1t *= beta1;
                b2t *= beta2;
                const double cj = sqrt_b2j / sqrt(1.0 - b2t);
                const double w = lr * b1j / (1.0 - b1t) / cj;
                sum_w += w;
                sum_we += w * (double) eps / cj;
                if (w < 1e-12 * sum_w) break;
            }
            step_sum = (float) sum_w;
            eps_mean = (float) (sum_we / sum_w);
        }
    }
    __syncthreads();
    const float b1 = (float) beta1, b2 = (float) beta2;
    const float omb1 = (float) (1.0 - beta1), omb2 = (float) (1.0 - beta2);
    for (int64_t c = threadIdx.x; c < d; c += blockDim.x) {
        const int64_t i = r * d + c;
        float p = param[i], m = m_buf[i], v = v_buf[i];
        if (skipped) {
            p -= step_sum * m / (sqrtf(v) + eps_mean);
            if (out) {
                out[k * d + c] = p; /* gather: the caught-up value only, no state written */
                continue;
            }
            m *= m_decay;
            v *= v_decay;
        }
        if (out) {
            out[k * d + c] = p;
            continue;
        }
        if (grad_rows) {
            const float g = grad_rows[k * d + c];
            m = m * b1 + g * omb1;
            v = v * b2 + g * g * omb2;
            p -= step_size * m / (sqrtf(v) * inv_sqrt_bc2 + eps);
        }
        m_buf[i] = m;
        v_buf[i] = v;
        param[i] = p;
    }
    __syncthreads(); /* every thread has read last_step's old value through the shared scalars */
    if (threadIdx.x == 0 && !out) last_step[r] = grad_rows ? through + 1 : through;
}

/* L = 0: h = X0 (twice X0 on residual rows). */
__global__ void copy_rows_kernel(Rows x, OutRows h, int64_t n_rows, int64_t d, int64_t residual_from) {
    const int64_t at = (int64_t) blockIdx.x * blockDim.x + threadIdx.x;
    if (at >= n_rows * d) return;
    const int64_t row = at / d, k = at % d;
    const float v = x.row(row, d)[k];
    h.row(row, d)[k] = row >= residual_from ? v * 2.0f : v;
}

/* One warp per row: the squared norm in double, summed in a fixed order (deterministic). */
__global__ void row_sq_kernel(Rows h, int64_t n_rows, int64_t d, double* out) {
    const int64_t row = ((int64_t) blockIdx.x * blockDim.x + threadIdx.x) / kWarp;
    const int lane = threadIdx.x % kWarp;
    if (row >= n_rows) return;
    const float* r = h.row(row, d);
    double s = 0.0;
    for (int64_t k = lane; k < d; k += kWarp) s += (double) r[k] * (double) r[k];
    s = warp_sum(s);
    if (lane == 0) out[row] = s;
}

/* The CPU twin's encoder: layer mean, residual on rows >= x0.split, then the row norms. */
static int encoder(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx, const float* values,
            Rows x0, int64_t d, int32_t n_layers, OutRows h, float* scratch_a, float* scratch_b,
            bool residual, double* row_sq, cudaStream_t s) {
    const Rows none = {NULL, NULL, kWhole};
    const Rows hr = {h.top, h.bottom, h.split};
    if (n_rows == 0) return BM3_OK;
    if (n_layers == 0) {
        const int64_t n = (int64_t) n_rows * d;
        copy_rows_kernel<<<(unsigned) ((n + 255) / 256), 256, 0, s>>>(x0, h, n_rows, d,
                                                                      residual ? x0.split : kWhole);
        const int st = status_of(cudaGetLastError());
        if (st != BM3_OK) return st;
    } else {
        const float inv = 1.0f / (float) (n_layers + 1);
        Rows cur = x0;
        for (int32_t l = 1; l <= n_layers; ++l) {
            const bool last = l == n_layers;
            float* next = last ? NULL : ((l % 2) == 1 ? scratch_a : scratch_b);
            const Epilogue e = {next, h, l == 1 ? x0 : hr, last ? inv : 1.0f,
                                last && residual ? x0 : none, x0.split};
            const int st = launch_pass(n_rows, row_ptr, col_idx, values, cur, d, e, s);
            if (st != BM3_OK) return st;
            cur = whole(next);
        }
    }
    if (!row_sq) return BM3_OK;
    const int64_t blocks = ((int64_t) n_rows + kWarpsPerBlock - 1) / kWarpsPerBlock;
    row_sq_kernel<<<(unsigned) blocks, kWarpsPerBlock * kWarp, 0, s>>>(hr, n_rows, d, row_sq);
    return status_of(cudaGetLastError());
}

extern "C" {

int bm3_cuda_spmm(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                  const float* values, const float* x, int64_t d, float* y, void* stream) {
    if (!csr_args_ok(n_rows, row_ptr, d) || !y) return BM3_ERR_ARGUMENT;
    return launch_pass(n_rows, row_ptr, col_idx, values, whole(x), d, store_only(y), (cudaStream_t) stream);
}

int bm3_cuda_lightgcn_mean(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                           const float* values, const float* x0, int64_t d, int32_t n_layers,
                           float* h, float* scratch_a, float* scratch_b, void* stream) {
    if (!csr_args_ok(n_rows, row_ptr, d) || !x0 || !h || n_layers < 0
        || (n_layers >= 2 && !scratch_a) || (n_layers >= 3 && !scratch_b)) {
        return BM3_ERR_ARGUMENT;
    }
    const OutRows out = {h, NULL, kWhole};
    return encoder(n_rows, row_ptr, col_idx, values, whole(x0), d, n_layers, out, scratch_a, scratch_b,
                   false, NULL, (cudaStream_t) stream);
}

int bm3_cuda_lightgcn_mean_blocks(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                                  const float* values, int32_t n_top, const float* x_top,
                                  const float* x_bottom, int64_t d, int32_t n_layers,
                                  int32_t bottom_residual, float* h_top, float* h_bottom,
                                  float* scratch_a, float* scratch_b, double* row_sq, void* stream) {
    if (!csr_args_ok(n_rows, row_ptr, d) || n_layers < 0 || n_top < 0 || n_top > n_rows
        || (n_top > 0 && (!x_top || !h_top)) || (n_top < n_rows && (!x_bottom || !h_bottom))
        || (n_layers >= 2 && !scratch_a) || (n_layers >= 3 && !scratch_b)) {
        return BM3_ERR_ARGUMENT;
    }
    const Rows x = {n_top > 0 ? x_top : x_bottom, x_bottom, n_top};
    const OutRows out = {n_top > 0 ? h_top : h_bottom, h_bottom, n_top};
    return encoder(n_rows, row_ptr, col_idx, values, x, d, n_layers, out, scratch_a, scratch_b,
                   bottom_residual != 0, row_sq, (cudaStream_t) stream);
}

int bm3_cuda_bootstrap_loss_i64(const float* p, int64_t p_rows, const int64_t* p_index,
                                const float* t, int64_t t_rows, const int64_t* t_index,
                                int64_t batch, int64_t d, float grad_scale,
                                float* grad_p, float* loss_out, void* stream) {
    return bootstrap_loss(p, p_rows, p_index, t, t_rows, t_index, batch, d, grad_scale,
                          grad_p, loss_out, stream);
}

int bm3_cuda_bootstrap_loss_i32(const float* p, int64_t p_rows, const int32_t* p_index,
                                const float* t, int64_t t_rows, const int32_t* t_index,
                                int64_t batch, int64_t d, float grad_scale,
                                float* grad_p, float* loss_out, void* stream) {
    return bootstrap_loss(p, p_rows, p_index, t, t_rows, t_index, batch, d, grad_scale,
                          grad_p, loss_out, stream);
}

static int dropout_gather(const float* src, int64_t rows, int64_t d, const int64_t* index, int64_t batch,
                          const int64_t* row_ids, float p, uint64_t seed, float* out, void* stream) {
    if (!src || !index || !out || rows <= 0 || d <= 0 || batch < 0 || !(p >= 0.0f && p < 1.0f)) {
        return BM3_ERR_ARGUMENT;
    }
    const int64_t total = batch * d;
    if (total == 0) return BM3_OK;
    const int threads = 256;
    const int64_t blocks = (total + threads - 1) / threads;
    dropout_gather_kernel<<<(unsigned) blocks, threads, 0, (cudaStream_t) stream>>>(
        src, d, index, batch, row_ids, bm3_dropout_threshold(p), (float) (1.0 / (1.0 - (double) p)), seed, out);
    return status_of(cudaGetLastError());
}

int bm3_cuda_dropout_gather_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                int64_t batch, float p, uint64_t seed, float* out, void* stream) {
    return dropout_gather(src, rows, d, index, batch, NULL, p, seed, out, stream);
}

int bm3_cuda_dropout_gather_rows_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                     int64_t batch, const int64_t* row_ids, float p, uint64_t seed,
                                     float* out, void* stream) {
    if (!row_ids) return BM3_ERR_ARGUMENT;
    return dropout_gather(src, rows, d, index, batch, row_ids, p, seed, out, stream);
}

int bm3_cuda_adam_rows(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                       const float* grad_rows, float* exp_avg, float* exp_avg_sq, int64_t* last_step,
                       int64_t step, double lr, double beta1, double beta2, double eps, void* stream) {
    if (!param || !exp_avg || !exp_avg_sq || !last_step || rows <= 0 || d <= 0 || n_index < 0
        || step < 1 || (n_index > 0 && (!row_index || !grad_rows))) {
        return BM3_ERR_ARGUMENT;
    }
    if (n_index == 0) return BM3_OK;
    const double bc1 = 1.0 - pow(beta1, (double) step);
    const double bc2 = 1.0 - pow(beta2, (double) step);
    adam_rows_kernel<<<(unsigned) n_index, 256, 0, (cudaStream_t) stream>>>(
        param, d, row_index, grad_rows, exp_avg, exp_avg_sq, last_step, step - 1, lr, beta1, beta2,
        (float) (lr / bc1), (float) (1.0 / sqrt(bc2)), (float) eps, NULL);
    return status_of(cudaGetLastError());
}

int bm3_cuda_adam_rows_catch_up(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                                float* exp_avg, float* exp_avg_sq, int64_t* last_step, int64_t through,
                                double lr, double beta1, double beta2, double eps, void* stream) {
    if (!param || !exp_avg || !exp_avg_sq || !last_step || rows <= 0 || d <= 0 || n_index < 0
        || through < 0 || (n_index > 0 && !row_index)) {
        return BM3_ERR_ARGUMENT;
    }
    if (n_index == 0) return BM3_OK;
    adam_rows_kernel<<<(unsigned) n_index, 256, 0, (cudaStream_t) stream>>>(
        param, d, row_index, NULL, exp_avg, exp_avg_sq, last_step, through, lr, beta1, beta2, 0.0f, 1.0f, (float) eps,
        NULL);
    return status_of(cudaGetLastError());
}

int bm3_cuda_adam_rows_gather(const float* param, int64_t rows, int64_t d, const int64_t* row_index,
                              int64_t n_index, const float* exp_avg, const float* exp_avg_sq,
                              const int64_t* last_step, int64_t through, double lr, double beta1,
                              double beta2, double eps, float* out, void* stream) {
    if (!param || !exp_avg || !exp_avg_sq || !last_step || rows <= 0 || d <= 0 || n_index < 0
        || through < 0 || (n_index > 0 && (!row_index || !out))) {
        return BM3_ERR_ARGUMENT;
    }
    if (n_index == 0) return BM3_OK;
    /* the kernel writes no state in gather mode (out != NULL): the casts only share its signature */
    adam_rows_kernel<<<(unsigned) n_index, 256, 0, (cudaStream_t) stream>>>(
        (float*) param, d, row_index, NULL, (float*) exp_avg, (float*) exp_avg_sq, (int64_t*) last_step, through,
        lr, beta1, beta2, 0.0f, 1.0f, (float) eps, out);
    return status_of(cudaGetLastError());
}

int bm3_cuda_adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                       int64_t n, double lr, double beta1, double beta2, double eps, int64_t step,
                       void* stream) {
    if (!param || !grad || !exp_avg || !exp_avg_sq || n < 0 || step < 1) return BM3_ERR_ARGUMENT;
    if (n == 0) return BM3_OK;
    const double bc1 = 1.0 - pow(beta1, (double) step);
    const double bc2 = 1.0 - pow(beta2, (double) step);
    const int threads = 256;
    const int64_t blocks = (n + threads - 1) / threads;
    adam_kernel<<<(unsigned) blocks, threads, 0, (cudaStream_t) stream>>>(
        param, grad, exp_avg, exp_avg_sq, n, (float) beta1, (float) beta2, (float) (1.0 - beta1),
        (float) (1.0 - beta2), (float) (lr / bc1), (float) (1.0 / sqrt(bc2)), (float) eps);
    return status_of(cudaGetLastError());
}

}  // extern "C"
