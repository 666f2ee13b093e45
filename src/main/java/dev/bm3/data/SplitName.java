package dev.bm3.data;

/** The three splits; {@code code} is the MMRec {@code x_label} value. */
public enum SplitName {
    TRAIN(0), VALID(1), TEST(2);

    public final int code;

    SplitName(int code) {
        this.code = code;
    }
}
