package dev.bm3.model;

import dev.bm3.config.TrainConfig;
import dev.bm3.data.Dataset;
import dev.bm3.data.SplitName;
import dev.bm3.data.SyntheticGenerator;
import dev.bm3.eval.Evaluator;
import dev.bm3.eval.PopularityScorer;
import dev.bm3.torch.TorchRuntime;
import dev.bm3.train.TrainResult;
import dev.bm3.train.Trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Shared data and the train-and-compare routine of the baselines' learning tests. */
final class BaselineFixture {
    private static Dataset data;

    private BaselineFixture() {
    }

    /** 600 users, 400 items, ~20 interactions each, image 64-d and text 32-d features. */
    static synchronized Dataset data() {
        if (data == null) {
            data = new SyntheticGenerator(new SyntheticGenerator.Config(600, 400, 20, 5, 16, 64, 32, 0.2, 11)).generate();
        }
        return data;
    }

    static double popularityRecall() {
        Dataset d = data();
        return new Evaluator(d, 20).evaluate(new PopularityScorer(d), SplitName.TEST, 512).get("recall@20");
    }

    /** Trains {@code model} with its published defaults plus {@code overrides}; returns the run. */
    static TrainResult train(String model, Map<String, Object> overrides) {
        Map<String, Object> m = new LinkedHashMap<>(overrides);
        m.put("model", model);
        m.put("topk", 20);
        m.put("valid_metric", "recall@20");
        TrainConfig c = TrainConfig.fromMap(m, "test");
        TorchRuntime.setThreads(Math.min(2, Runtime.getRuntime().availableProcessors()));
        TorchRuntime.seed(c.seed());
        Dataset d = data();
        try (Model net = Models.create(d, c, TorchRuntime.device("cpu"), msg -> { })) {
            return new Trainer().train(d, c, net, model, null);
        }
    }
}
