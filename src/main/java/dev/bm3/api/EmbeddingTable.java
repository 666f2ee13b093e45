package dev.bm3.api;

import java.util.Arrays;

/**
 * An immutable table of embeddings (rows x dim) kept twice: row-major for single dot products and
 * as column blocks (each block of {@code block} rows stored transposed, dim x len) so that scoring
 * one query against a block is a run of contiguous multiply-adds the JIT vectorises. Both paths
 * add the products in the same order (k = 0 .. dim-1, starting from 0), so a score from
 * {@link #dot} equals the same pair's score from {@link #scoreBlock} bit for bit.
 */
final class EmbeddingTable {
    final int rows;
    final int dim;
    final int block;
    private final float[] data;
    private final float[][] blocks;
    private final float[] norms;

    EmbeddingTable(float[] data, int rows, int dim, int block) {
        if ((long) rows * dim != data.length) {
            throw new IllegalArgumentException("embeddings: " + rows + " x " + dim + " needs " + ((long) rows * dim)
                    + " values, got " + data.length);
        }
        for (int k = 0; k < data.length; k++) {
            if (!Float.isFinite(data[k])) {
                throw new IllegalArgumentException("embeddings: non-finite value " + data[k] + " at row " + k / dim
                        + ", column " + k % dim);
            }
        }
        this.rows = rows;
        this.dim = dim;
        this.block = block;
        this.data = data;
        int nBlocks = (rows + block - 1) / block;
        this.blocks = new float[nBlocks][];
        for (int b = 0; b < nBlocks; b++) {
            int start = b * block;
            int len = Math.min(block, rows - start);
            float[] t = new float[dim * len];
            for (int j = 0; j < len; j++) {
                for (int k = 0; k < dim; k++) {
                    t[k * len + j] = data[(start + j) * dim + k];
                }
            }
            blocks[b] = t;
        }
        this.norms = new float[rows];
        for (int r = 0; r < rows; r++) {
            norms[r] = (float) Math.sqrt(dot(data, r * dim, r));
        }
    }

    int blockCount() {
        return blocks.length;
    }

    int blockStart(int b) {
        return b * block;
    }

    int blockLength(int b) {
        return Math.min(block, rows - b * block);
    }

    /** {@code out[j] = dot(q, row(blockStart(b) + j))} for every row of block {@code b}. */
    void scoreBlock(int b, float[] q, int qOff, float[] out) {
        float[] t = blocks[b];
        int n = blockLength(b);
        Arrays.fill(out, 0, n, 0f);
        for (int k = 0; k < dim; k++) {
            float qk = q[qOff + k];
            int base = k * n;
            for (int j = 0; j < n; j++) {
                out[j] += qk * t[base + j];
            }
        }
    }

    float dot(float[] q, int qOff, int row) {
        float s = 0f;
        int base = row * dim;
        for (int k = 0; k < dim; k++) {
            s += q[qOff + k] * data[base + k];
        }
        return s;
    }

    float norm(int row) {
        return norms[row];
    }

    float[] raw() {
        return data;
    }

    float[] row(int r) {
        return Arrays.copyOfRange(data, r * dim, (r + 1) * dim);
    }

    /** Bytes of the arrays this table holds (both layouts and the norms). */
    long bytes() {
        return 4L * (2L * data.length + norms.length);
    }
}
