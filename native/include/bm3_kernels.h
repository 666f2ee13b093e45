/*
 * bm3_kernels.h - the plain C ABI of bm3-engine's native kernels.
 *
 * Why a C ABI on raw pointers: the LibTorch jars ship no headers, so the kernels cannot take
 * at::Tensor. Callers pass data pointers of contiguous row-major float32 tensors plus sizes.
 *
 * Conventions shared by every function:
 *  - Dense matrices are row-major float32; "n x d" means n rows of d floats, row stride d.
 *  - Â is a CSR matrix: row_ptr has n_rows + 1 int32 entries, row_ptr[0] == 0, non-decreasing;
 *    col_idx / values have row_ptr[n_rows] entries. Â is assumed symmetric where a function
 *    says so, which makes the backward of Y = Â X the same product: dX = Â dY.
 *  - Return value: BM3_OK (0) or one of the BM3_ERR_* codes; outputs are untouched on argument
 *    errors (checked before any write). bm3_status_string() names a code.
 *  - CPU functions use OpenMP with the runtime's current team size (omp_get_max_threads()).
 *    Inside the JVM that is LibTorch's bundled libgomp, so torch.set_num_threads(n) controls it.
 *  - CUDA functions take device pointers and a cudaStream_t passed as void* (NULL = legacy
 *    default stream); they only enqueue work and never synchronise.
 */
#ifndef BM3_KERNELS_H
#define BM3_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__CUDACC__)
#define BM3_HD __host__ __device__
#else
#define BM3_HD
#endif

/* splitmix64's output function: a strong 64-bit mix (Steele, Lea, Flood 2014). */
static inline BM3_HD uint64_t bm3_mix64(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Dropout threshold for probability p: an element is dropped iff its 24-bit uniform < it. */
static inline BM3_HD uint32_t bm3_dropout_threshold(float p) {
    return (uint32_t) ((double) p * 16777216.0 + 0.5);
}

/* Counter-based keep decision for element e of a matrix under seed (splitmix64 stream). */
static inline BM3_HD int bm3_dropout_keep(uint64_t seed, uint64_t element, uint32_t threshold) {
    return (uint32_t) (bm3_mix64(seed + (element + 1) * 0x9E3779B97F4A7C15ULL) >> 40) >= threshold;
}

#define BM3_OK 0
#define BM3_ERR_ARGUMENT 1   /* null pointer, negative or zero size where one is required */
#define BM3_ERR_INDEX 2      /* a gather index outside [0, rows) */
#define BM3_ERR_CSR 3        /* malformed CSR structure (bm3_csr_check) */
#define BM3_ERR_CUDA_BASE 100 /* CUDA functions: BM3_ERR_CUDA_BASE + cudaError_t */

/* Human-readable name of a status code (static string, never NULL). */
const char* bm3_status_string(int status);

/*
 * Validates a CSR structure once (O(n_rows + nnz)), so the per-step kernels need not:
 * row_ptr[0] == 0, non-decreasing, row_ptr[n_rows] == nnz, 0 <= col_idx < n_cols.
 */
int bm3_csr_check(int32_t n_rows, int32_t n_cols, const int32_t* row_ptr,
                  const int32_t* col_idx, int64_t nnz);

/* ---------------------------------------------------------------- CPU (OpenMP) */

/* The OpenMP team size the CPU kernels will use (omp_get_max_threads(); 1 without OpenMP).
 * In the JVM it follows torch.set_num_threads() only when LibTorch's libgomp is the one bound:
 * a cheap check that the libraries were loaded in the right order. */
int32_t bm3_cpu_max_threads(void);

/*
 * Y = Â X. X has (max column index + 1) rows of d floats, Y has n_rows rows of d floats;
 * Y must not alias X. Empty rows give zero rows. Each output row is computed by one thread
 * in CSR order, so the result is bitwise identical for any thread count.
 */
int bm3_cpu_spmm(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                 const float* values, const float* x, int64_t d, float* y);

/*
 * LightGCN layer mean for a square Â (n_rows x n_rows):
 *   H = (X0 + Â X0 + Â² X0 + ... + Â^L X0) / (L + 1),  L = n_layers >= 0.
 * Linear in X0, so for symmetric Â its backward is the same call on dH.
 * Scratch buffers (n_rows x d each, caller-owned, contents irrelevant): scratch_a is needed
 * when L >= 2, scratch_b when L >= 3 (either may be NULL otherwise). H must not alias X0 or
 * the scratch buffers. One pass per layer: the running sum and the final 1/(L+1) scaling are
 * fused into the SpMM epilogue, so H is written L times and never re-read separately.
 */
int bm3_cpu_lightgcn_mean(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                          const float* values, const float* x0, int64_t d, int32_t n_layers,
                          float* h, float* scratch_a, float* scratch_b);

/*
 * BM3's encoder in one call, on a matrix held as two row blocks, X0 = [X_top; X_bottom]
 * (n_top and n_rows - n_top rows of d floats: BM3's user and item ID embeddings, read where
 * they are, so no concatenated copy exists), with the output likewise in two blocks:
 *   H = (X0 + Â X0 + ... + Â^L X0) / (L + 1) + R X0,
 * R = the identity on the bottom rows when bottom_residual != 0 (BM3's item ID residual
 * H_I = mean + E_I), else 0. For symmetric Â the map is symmetric, so its backward is this
 * same call on (dH_top, dH_bottom), writing (dX_top, dX_bottom).
 * row_sq: optional, n_rows doubles: the squared norm of each output row, so BM3's regulariser
 * ||H_U||_F + ||H_I||_F costs no further pass over H.
 * The residual is added after the scaling, as a separate float add would; outputs must not
 * alias inputs or scratch (n_rows x d each, as for bm3_cpu_lightgcn_mean). Same per-row
 * determinism as bm3_cpu_spmm.
 */
int bm3_cpu_lightgcn_mean_blocks(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                                 const float* values, int32_t n_top, const float* x_top,
                                 const float* x_bottom, int64_t d, int32_t n_layers,
                                 int32_t bottom_residual, float* h_top, float* h_bottom,
                                 float* scratch_a, float* scratch_b, double* row_sq);

/*
 * Fused BM3 bootstrap loss with gather and gradient scatter:
 *   p_b = P[p_index[b]], t_b = T[t_index[b]]  (identity when the index pointer is NULL)
 *   cos_b = <p_b / max(|p_b|, eps), t_b / max(|t_b|, eps)>,  eps = 1e-8
 *           (the formula of at::cosine_similarity in PyTorch 2.x)
 *   loss = mean_b (1 - cos_b)                          -> *loss_out (double accumulation,
 *                                                          fixed order: deterministic)
 *   grad_p[p_index[b]] += grad_scale * d loss / d p_b  (when grad_p != NULL)
 * T is treated as a constant (BM3's targets are detached). grad_p has P's full shape
 * (p_rows x d) and is ADDED to, so several loss terms can share one buffer; duplicate indices
 * accumulate (rows are owned by one thread each, in increasing b: race-free, deterministic).
 * The gradient of the norm follows autograd's: the clamp is invisible to it and a zero row
 * gets zero gradient through its norm, as in PyTorch.
 */
int bm3_cpu_bootstrap_loss_i64(const float* p, int64_t p_rows, const int64_t* p_index,
                               const float* t, int64_t t_rows, const int64_t* t_index,
                               int64_t batch, int64_t d, float grad_scale,
                               float* grad_p, float* loss_out);

/* Same with int32 indices. */
int bm3_cpu_bootstrap_loss_i32(const float* p, int64_t p_rows, const int32_t* p_index,
                               const float* t, int64_t t_rows, const int32_t* t_index,
                               int64_t batch, int64_t d, float grad_scale,
                               float* grad_p, float* loss_out);

/*
 * Dropout targets, gathered: out[b, :] = src[index[b], :] * keep / (1 - p), where keep for
 * element (r, c) of src is bm3_dropout_keep(seed, r * d + c, threshold) below. The mask is a
 * pure function of (seed, row, column): this IS one Bernoulli draw over the full src matrix,
 * evaluated only at the rows the batch gathers (duplicate rows get the same mask, exactly as
 * gathering rows of a materialised dropout(src)). A new seed per step and matrix gives a new
 * draw. p in [0, 1). Returns BM3_ERR_INDEX for an index outside [0, rows).
 */
int bm3_cpu_dropout_gather_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                               int64_t batch, float p, uint64_t seed, float* out);

/*
 * The same draw for a matrix that holds only some rows of the full one: row k of src is row
 * row_ids[k] (>= 0) of the full matrix, and the mask of out[b, c] is keyed by
 * row_ids[index[b]] * d + c. So gathering from a projection of only the batch's rows (BM3's fast
 * mode) gives exactly the values gathering from the full matrix's dropout would.
 */
int bm3_cpu_dropout_gather_rows_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                    int64_t batch, const int64_t* row_ids, float p, uint64_t seed,
                                    float* out);
/*
 * One Adam step (PyTorch's torch.optim.Adam without weight decay or amsgrad) fused into a
 * single pass over n parameters: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * param -= (lr / (1 - b1^step)) * m / (sqrt(v) / sqrt(1 - b2^step) + eps). step >= 1 is the
 * step number after increment. Element-wise, so bitwise identical for any thread count.
 */
int bm3_cpu_adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                      int64_t n, double lr, double beta1, double beta2, double eps, int64_t step);

/*
 * Row-sparse Adam that stays dense Adam. At global step `step` (>= 1) only rows row_index[k] of
 * a rows x d parameter get a gradient (row k of grad_rows, n_index x d). row_index must be
 * strictly increasing within [0, rows) (no two threads share a row). last_step[r] is the step
 * row r was last brought up to date through (0 = never; < step).
 * A touched row first catches up on the steps it skipped, where dense Adam moved it with a zero
 * gradient: m *= b1, v *= b2 and a parameter step on the decayed moments, each time. The decay
 * is applied exactly (b1^k, b2^k). Skipped step j moves the parameter by
 *   w_j m0 / (sqrt(v0) + eps / c_j),  w_j = A_j / c_j,  A_j = lr b1^j / (1 - b1^(t0+j)),
 *   c_j = b2^(j/2) / sqrt(1 - b2^(t0+j)),
 * and the k of them are applied as W m0 / (sqrt(v0) + e), W = sum w_j, e the w-weighted mean of
 * eps / c_j: exact without eps and for one skipped step, otherwise off to second order in the
 * spread of eps / c_j, which only matters where sqrt(v0) ~ eps (sums cut at 512 terms, ~1e-23
 * of the first). Then the usual Adam step with `step`'s bias
 * corrections, and last_step[r] = step. Rows never touched have zero moments, which dense Adam
 * does not move either. Rows not touched now wait for their next touch.
 */
int bm3_cpu_adam_rows(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                      const float* grad_rows, float* exp_avg, float* exp_avg_sq, int64_t* last_step,
                      int64_t step, double lr, double beta1, double beta2, double eps);
/*
 * The catch-up alone: brings rows row_index (strictly increasing) up to date through step
 * `through` (>= last_step of each), as if every step after their last had a zero gradient, and
 * sets last_step = through. Run it on a batch's rows BEFORE reading them, so that the forward
 * pass sees the values dense Adam would have (then bm3_cpu_adam_rows at through + 1).
 */
int bm3_cpu_adam_rows_catch_up(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                               float* exp_avg, float* exp_avg_sq, int64_t* last_step, int64_t through,
                               double lr, double beta1, double beta2, double eps);
/*
 * What bm3_cpu_adam_rows_catch_up would leave in rows row_index (strictly increasing) through
 * step `through`, written to out (n_index x d, row k for row_index[k]); the parameter, moments
 * and last_step are NOT changed. A forward pass reads these values, and the step's
 * bm3_cpu_adam_rows at through + 1 does the same catch-up (the same floats) with its update, so
 * parameter and moments are written once per step, not twice, and the gather needs no copy.
 */
int bm3_cpu_adam_rows_gather(const float* param, int64_t rows, int64_t d, const int64_t* row_index,
                             int64_t n_index, const float* exp_avg, const float* exp_avg_sq,
                             const int64_t* last_step, int64_t through, double lr, double beta1,
                             double beta2, double eps, float* out);
/* ---------------------------------------------------------------- CUDA (libbm3cuda.so) */
/* Same semantics as the CPU twins; all pointers are device pointers except where noted.
 * Indices are NOT range-checked on the device (it would need a synchronisation): validate
 * them on the host side. Duplicate indices accumulate with atomicAdd, so grad_p sums may
 * differ in the last bits between runs; SpMM and the loss value are deterministic. */

int bm3_cuda_spmm(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                  const float* values, const float* x, int64_t d, float* y, void* stream);

int bm3_cuda_lightgcn_mean(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                           const float* values, const float* x0, int64_t d, int32_t n_layers,
                           float* h, float* scratch_a, float* scratch_b, void* stream);

/* row_sq is a DEVICE pointer (n_rows doubles) or NULL. */
int bm3_cuda_lightgcn_mean_blocks(int32_t n_rows, const int32_t* row_ptr, const int32_t* col_idx,
                                  const float* values, int32_t n_top, const float* x_top,
                                  const float* x_bottom, int64_t d, int32_t n_layers,
                                  int32_t bottom_residual, float* h_top, float* h_bottom,
                                  float* scratch_a, float* scratch_b, double* row_sq, void* stream);

/* loss_out is a DEVICE pointer to one float (read it after the stream is synchronised). */
int bm3_cuda_bootstrap_loss_i64(const float* p, int64_t p_rows, const int64_t* p_index,
                                const float* t, int64_t t_rows, const int64_t* t_index,
                                int64_t batch, int64_t d, float grad_scale,
                                float* grad_p, float* loss_out, void* stream);

int bm3_cuda_bootstrap_loss_i32(const float* p, int64_t p_rows, const int32_t* p_index,
                                const float* t, int64_t t_rows, const int32_t* t_index,
                                int64_t batch, int64_t d, float grad_scale,
                                float* grad_p, float* loss_out, void* stream);

/* CUDA twins of the dropout gather and the fused Adam step (device pointers, stream as void*). */
int bm3_cuda_dropout_gather_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                int64_t batch, float p, uint64_t seed, float* out, void* stream);
int bm3_cuda_dropout_gather_rows_i64(const float* src, int64_t rows, int64_t d, const int64_t* index,
                                     int64_t batch, const int64_t* row_ids, float p, uint64_t seed,
                                     float* out, void* stream);
/* row_index is NOT checked for order or range on the device, nor last_step against step: the
 * caller guarantees them. */
int bm3_cuda_adam_rows(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                       const float* grad_rows, float* exp_avg, float* exp_avg_sq, int64_t* last_step,
                       int64_t step, double lr, double beta1, double beta2, double eps, void* stream);
int bm3_cuda_adam_rows_catch_up(float* param, int64_t rows, int64_t d, const int64_t* row_index, int64_t n_index,
                                float* exp_avg, float* exp_avg_sq, int64_t* last_step, int64_t through,
                                double lr, double beta1, double beta2, double eps, void* stream);
int bm3_cuda_adam_rows_gather(const float* param, int64_t rows, int64_t d, const int64_t* row_index,
                              int64_t n_index, const float* exp_avg, const float* exp_avg_sq,
                              const int64_t* last_step, int64_t through, double lr, double beta1,
                              double beta2, double eps, float* out, void* stream);
int bm3_cuda_adam_step(float* param, const float* grad, float* exp_avg, float* exp_avg_sq,
                       int64_t n, double lr, double beta1, double beta2, double eps, int64_t step,
                       void* stream);

#ifdef __cplusplus
}
#endif

#endif /* BM3_KERNELS_H */
