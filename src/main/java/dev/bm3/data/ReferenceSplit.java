package dev.bm3.data;

/**
 * The reference's per-user split sizes (SPEC section 1): a user with {@code n < 10} interactions
 * keeps {@code n - 2} for training and one each for validation and test; otherwise
 * {@code vt = floor(0.2 n)}, {@code valid = floor(vt / 2)}, {@code test = vt - valid}.
 */
public final class ReferenceSplit {
    private ReferenceSplit() {
    }

    /** Returns {@code {train, valid, test}} counts for a user with {@code n >= 2} interactions. */
    public static int[] counts(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("the reference split needs at least 2 interactions per user, got " + n);
        }
        if (n < 10) {
            return new int[] {n - 2, 1, 1};
        }
        int vt = n / 5;
        int valid = vt / 2;
        return new int[] {n - vt, valid, vt - valid};
    }
}
