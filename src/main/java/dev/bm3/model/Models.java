package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.graph.NormalizedAdjacency;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/** Builds the model a config names, on a device. */
public final class Models {
    private Models() {
    }

    /** Creates the model; seed LibTorch first for a reproducible initialisation. */
    public static Model create(Dataset data, TrainConfig config, Device device) {
        return switch (config.model()) {
            case "pop" -> new PopularityModel(data);
            case "bm3" -> new Bm3Model(data, config, propagation(data, config, device), device, torch.ScalarType.Float);
            default -> throw new IllegalArgumentException("unknown model " + config.model());
        };
    }

    static Propagation propagation(Dataset data, TrainConfig config, Device device) {
        NormalizedAdjacency graph = NormalizedAdjacency.of(data);
        return new TorchPropagation(graph, torch.ScalarType.Float, device);
    }
}
