package dev.bm3.train;

/**
 * MMRec's early stopping: the validation metric is rounded to 4 decimals (the reference's
 * evaluator rounds), the counter resets only on a strict improvement, and training stops once the
 * counter exceeds {@code patience} (so after {@code patience + 1} epochs without improvement).
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1;
    private int sinceBest;

    public EarlyStopping(int patience) {
        this.patience = patience;
    }

    /** Restores a state saved with {@link #best()}, {@link #bestEpoch()} and {@link #sinceBest()}. */
    public static EarlyStopping restore(int patience, double best, int bestEpoch, int sinceBest) {
        EarlyStopping s = new EarlyStopping(patience);
        s.best = best;
        s.bestEpoch = bestEpoch;
        s.sinceBest = sinceBest;
        return s;
    }

    public int sinceBest() {
        return sinceBest;
    }

    /** Records an epoch's metric; true when it is a new best. */
    public boolean update(int epoch, double metric) {
        double rounded = Math.round(metric * 1e4) / 1e4;
        if (rounded > best) {
            best = rounded;
            bestEpoch = epoch;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    public boolean shouldStop() {
        return sinceBest > patience;
    }

    public double best() {
        return best;
    }

    public int bestEpoch() {
        return bestEpoch;
    }
}
