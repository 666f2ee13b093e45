package dev.bm3.eval;

/**
 * Scores every item for a batch of users. Implementations may be native-backed; the evaluator
 * only sees Java arrays. Must be safe to call repeatedly with batches of any size.
 */
public interface Scorer {
    /**
     * Fills {@code out} (length {@code users.length * nItems}, row-major: row b = users[b]) with
     * scores; higher is better. NaN is not allowed.
     */
    void score(int[] users, float[] out);
}
