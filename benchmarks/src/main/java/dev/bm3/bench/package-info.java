/**
 * JMH benchmarks of the engine's native kernels against LibTorch's own operations, measured in
 * the same run: graph convolution ({@link dev.bm3.bench.GraphConvolutionBenchmark}), the fused
 * bootstrap loss ({@link dev.bm3.bench.BootstrapLossBenchmark}), a whole BM3 training step
 * ({@link dev.bm3.bench.TrainingStepBenchmark}) and a Last.fm epoch
 * ({@link dev.bm3.bench.LastFmEpochBenchmark}). Every state checks its result once in setup
 * and throws when it is wrong, so a fast wrong kernel can never produce a number.
 * {@link dev.bm3.bench.Ratios} turns a JMH JSON result into the native/LibTorch ratio table.
 *
 * <p>The model suite (issue 5, {@code ci/bench-suite.sh}): a training epoch of every model on the
 * same data ({@link dev.bm3.bench.ModelEpochBenchmark}) and BM3 exact vs fast as the catalogue
 * grows ({@link dev.bm3.bench.CatalogueScalingBenchmark}), both driven by
 * {@link dev.bm3.bench.EpochRunner} with peak memory from {@link dev.bm3.bench.PeakMemory};
 * {@link dev.bm3.bench.SuiteReport} writes their report with the Last.fm time-to-best table.
 */
package dev.bm3.bench;
