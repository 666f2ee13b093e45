package dev.bm3.train;

/** Training stopped on request (a signal) after a checkpoint was written; the run can be resumed. */
public class TrainingStoppedException extends RuntimeException {
    private final String signal;

    public TrainingStoppedException(String signal, int epoch, int step) {
        super("stopped by " + signal + " at epoch " + epoch + (step > 0 ? ", step " + step : " (epoch boundary)")
                + "; a checkpoint was written");
        this.signal = signal;
    }

    public String signal() {
        return signal;
    }
}
