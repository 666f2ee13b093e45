package dev.bm3.torch;

import dev.bm3.InvalidInputException;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Process-wide LibTorch settings. One number sets LibTorch's intra-op pool and the OpenMP pool it
 * shares with our native kernels. OpenBLAS (which LibTorch's dense products call and which
 * {@code set_num_threads} does not reach) is held to ONE thread: its pthreads and LibTorch's
 * spinning OpenMP workers fight for the cores, which on 2 cores made small products 5-10x slower
 * (a 2000x256x64 product: 0.9 ms with OpenBLAS at 1 thread, 7-11 ms at 2), while large products
 * lose little (7050x4096x64: 53 ms at 1 thread vs 72 ms at 2, measured 2026-12-04).
 */
public final class TorchRuntime {
    private TorchRuntime() {
    }

    /** Loads LibTorch (and its libgomp) once; native kernels must load after this. */
    public static void load() {
        org.bytedeco.javacpp.Loader.load(torch.class);
    }

    /** Sets every thread pool to {@code threads} (>= 1). */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new InvalidInputException("--threads " + threads + ": expected an integer >= 1");
        }
        load();
        torch.set_num_threads(threads);
        try {
            openblas_nolapack.blas_set_num_threads(1);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            // OpenBLAS natives absent: LibTorch then uses its own GEMM and set_num_threads covers it
        }
    }

    public static int threads() {
        load();
        return torch.get_num_threads();
    }

    /** Seeds LibTorch's default generator (dropout, initialisation). */
    public static void seed(long seed) {
        load();
        torch.manual_seed(seed);
    }

    /**
     * Parses and checks a device name: {@code cpu}, {@code cuda} or {@code cuda:N}. A CUDA device
     * on a CPU-only build or a machine without a GPU is a clear input error, never a crash.
     */
    public static Device device(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            load();
            return new Device(torch.DeviceType.CPU);
        }
        if (n.equals("cuda") || n.matches("cuda:\\d+")) {
            load();
            int index = n.equals("cuda") ? 0 : Integer.parseInt(n.substring(5));
            if (!torch.cuda_is_available()) {
                throw new InvalidInputException("--device " + name + ": CUDA is not available (this build uses "
                        + "the CPU LibTorch, or no GPU/driver is present); build with -Pgpu on a GPU machine or use --device cpu");
            }
            int count = torch.cuda_device_count();
            if (index >= count) {
                throw new InvalidInputException("--device " + name + ": only " + count + " CUDA device(s) present");
            }
            return new Device(torch.DeviceType.CUDA, (byte) index);
        }
        throw new InvalidInputException("--device " + name + ": expected cpu, cuda or cuda:N");
    }

    /** LibTorch's version string for manifests. */
    public static String version() {
        return "2.10.0 (org.bytedeco:pytorch 2.10.0-1.5.13)";
    }
}
