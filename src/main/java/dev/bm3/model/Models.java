package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.graph.NormalizedAdjacency;
import dev.bm3.kernels.Kernels;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Consumer;

/** Builds the model a config names, on a device, with the kernel path it asks for. */
public final class Models {
    private Models() {
    }

    /**
     * Creates the model; seed LibTorch first for a reproducible initialisation. {@code notices}
     * receives one line when {@code kernels=native} falls back to LibTorch (and why), or when
     * {@code train_mode=fast} is asked of a model it does not apply to.
     */
    public static Model create(Dataset data, TrainConfig config, Device device, Consumer<String> notices) {
        if (config.trainMode().equals("fast") && !config.model().equals("bm3")) {
            // the baselines' features are frozen and their steps already scale with the batch
            notices.accept("train_mode: fast applies to bm3 only; " + config.model() + " trains as usual");
        }
        return switch (config.model()) {
            case "pop" -> new PopularityModel(data);
            case "bm3" -> bm3(data, config, device, notices);
            case "bpr" -> new BprMfModel(data, config, device);
            case "lightgcn" -> new LightGcnModel(data, config, device);
            case "vbpr" -> new VbprModel(data, config, device);
            case "lattice" -> new LatticeModel(data, config, device);
            case "freedom" -> new FreedomModel(data, config, device);
            default -> throw new IllegalArgumentException("unknown model " + config.model());
        };
    }

    private static Bm3Model bm3(Dataset data, TrainConfig config, Device device, Consumer<String> notices) {
        NormalizedAdjacency graph = NormalizedAdjacency.of(data);
        boolean useNative = false;
        if (config.kernels().equals("native")) {
            if (!Kernels.available()) {
                notices.accept("kernels: native library unavailable (" + Kernels.unavailableReason()
                        + "); falling back to LibTorch kernels");
            } else if (!device.is_cpu()) {
                notices.accept("kernels: the native kernels are bound for CPU only in this build; using LibTorch kernels on "
                        + device.str().getString());
            } else {
                useNative = true;
            }
        }
        KernelSet kernels = useNative
                ? KernelSet.nativeKernels(new NativePropagation(graph, config.embeddingSize()), config.seed())
                : KernelSet.torch(new TorchPropagation(graph, torch.ScalarType.Float, device));
        return new Bm3Model(data, config, kernels, device, torch.ScalarType.Float);
    }
}
