package dev.bm3.data;

import java.util.Objects;

/**
 * A dense row-major float32 matrix of item features for one named modality (row k = item k).
 * The array is owned by this record and must not be mutated after construction.
 */
public record FeatureMatrix(String name, int rows, int cols, float[] data) {
    public FeatureMatrix {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        if (rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("feature matrix '" + name + "': bad shape " + rows + " x " + cols);
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("feature matrix '" + name + "': " + rows + " x " + cols
                    + " needs " + ((long) rows * cols) + " values, got " + data.length);
        }
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    @Override
    public String toString() {
        return "FeatureMatrix[" + name + ", " + rows + " x " + cols + "]";
    }
}
