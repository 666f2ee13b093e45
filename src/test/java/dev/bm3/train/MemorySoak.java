package dev.bm3.train;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.SyntheticGenerator;
import dev.bm3.model.Model;
import dev.bm3.model.Models;
import dev.bm3.torch.TorchRuntime;

import java.util.Map;

/**
 * Child-process body of {@link MemoryFlatTest}: trains BM3 for over 2,000 steps (evaluating after
 * every epoch) and prints {@code rss STEPS KB} after each epoch. Run in its own JVM with a
 * fixed, pre-touched heap so that resident-memory growth can only be native.
 */
public final class MemorySoak {
    public static void main(String[] args) {
        // KERNELS or KERNELS:TRAIN_MODE, e.g. native:fast
        String kernels = args[0].split(":")[0];
        String mode = args[0].contains(":") ? args[0].split(":")[1] : "exact";
        Dataset d = new SyntheticGenerator(new SyntheticGenerator.Config(200, 150, 12, 5, 8, 32, 16, 0.2, 7)).generate();
        int batch = 32;
        int stepsPerEpoch = (d.train().size() + batch - 1) / batch;
        int epochs = 2100 / stepsPerEpoch + 1;
        TrainConfig c = TrainConfig.fromMap(Map.of("epochs", epochs, "train_batch_size", batch,
                "stopping_step", 100000, "kernels", kernels, "eval_batch_size", 64, "train_mode", mode), "soak");
        TorchRuntime.setThreads(1);
        TorchRuntime.seed(c.seed());
        int[] steps = new int[1];
        try (Model m = Models.create(d, c, TorchRuntime.device("cpu"), System.out::println)) {
            new Trainer().addListener(new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, int n, double loss) {
                    steps[0]++;
                }

                @Override
                public void onEpoch(EpochRecord r) {
                    System.out.println("rss " + steps[0] + " " + ResidentMemorySoak.residentKb());
                }
            }).train(d, c, m, "soak", null);
        }
    }
}
