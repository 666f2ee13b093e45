/**
 * The JNI boundary for bm3-engine's own native kernels (sources under {@code native/}).
 *
 * <p>{@link dev.bm3.kernels.NativeKernels} is the raw JavaCPP binding of the C ABI in
 * {@code native/include/bm3_kernels.h}; {@link dev.bm3.kernels.Kernels} is what the rest of the
 * engine calls: it loads the library once (after LibTorch, so one libgomp is mapped), reports
 * availability without throwing, and validates tensors before anything crosses JNI.
 * {@link dev.bm3.kernels.CsrMatrix} holds the normalised adjacency in native memory, checked once.
 *
 * <p>Kernels: CSR SpMM {@code Y = Â X}, the fused LightGCN layer mean, and the fused BM3
 * bootstrap loss {@code mean(1 - cos)} with its gradient scattered into a full-shape buffer.
 */
package dev.bm3.kernels;
