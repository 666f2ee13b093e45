package dev.bm3.cli;

import dev.bm3.train.EpochRecord;
import dev.bm3.train.TrainResult;
import dev.bm3.train.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress for people and logs: one plain line per epoch always (loss, train/eval seconds,
 * validation metrics); on a terminal also a live bar with step, loss and ETA for the epoch.
 */
final class ProgressListener implements TrainingListener {
    private final PrintWriter out;
    private final boolean terminal;
    private final String metric;
    private ProgressBar bar;
    private String label = "";

    ProgressListener(PrintWriter out, boolean terminal, String metric) {
        this.out = out;
        this.terminal = terminal;
        this.metric = metric;
    }

    @Override
    public void onRunStart(String runLabel, int stepsPerEpoch, int maxEpochs) {
        this.label = runLabel;
        out.println("[" + runLabel + "] " + stepsPerEpoch + " steps per epoch, up to " + maxEpochs + " epochs");
    }

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch, double loss) {
        if (!terminal) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(stepsPerEpoch)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
        bar.stepTo(step);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
    }

    @Override
    public void onEpoch(EpochRecord r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        String ndcg = metric.replace("recall", "ndcg").replace("precision", "ndcg").replace("map", "ndcg");
        out.println(String.format(Locale.ROOT, "[%s] epoch %d loss %.5f train %.2fs eval %.2fs valid %s %.4f %s %.4f%s",
                label, r.epoch(), r.loss(), r.trainSeconds(), r.evalSeconds(), metric, r.valid().get(metric),
                ndcg, r.valid().has(ndcg) ? r.valid().get(ndcg) : Double.NaN, r.best() ? " *" : ""));
    }

    @Override
    public void onNotice(String message) {
        out.println("[" + label + "] " + message);
    }

    @Override
    public void onRunEnd(String runLabel, TrainResult result) {
        out.println("[" + runLabel + "] best epoch " + result.bestEpoch() + "\n  valid " + result.valid().format()
                + "\n  test  " + result.test().format());
    }
}
