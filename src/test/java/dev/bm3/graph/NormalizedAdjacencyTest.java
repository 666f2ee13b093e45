package dev.bm3.graph;

import dev.bm3.data.InterReader;
import dev.bm3.data.InterTable;
import dev.bm3.data.SharedData;
import dev.bm3.data.Split;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NormalizedAdjacencyTest {
    /** 2 users, 3 items: u0-i0, u0-i1 (twice), u1-i1; item 2 isolated. Nodes: u0=0, u1=1, i0=2, i1=3, i2=4. */
    private static NormalizedAdjacency tiny() {
        return NormalizedAdjacency.fromTraining(2, 3, new Split(new int[] {0, 0, 1, 0}, new int[] {1, 0, 1, 1}));
    }

    @Test
    void matchesHandComputedValues() {
        NormalizedAdjacency a = tiny();
        assertEquals(5, a.nNodes());
        assertEquals(6, a.nnz());
        assertArrayEquals(new int[] {0, 2, 3, 4, 6, 6}, a.rowPtr());
        assertArrayEquals(new int[] {2, 3, 3, 0, 0, 1}, a.colIdx());
        // degrees: u0 = 2, u1 = 1, i0 = 1, i1 = 2 (each + 1e-7)
        double e = 1e-7;
        float u0i0 = (float) (1 / Math.sqrt((2 + e) * (1 + e)));
        float u0i1 = (float) (1 / Math.sqrt((2 + e) * (2 + e)));
        float u1i1 = (float) (1 / Math.sqrt((1 + e) * (2 + e)));
        assertArrayEquals(new float[] {u0i0, u0i1, u1i1, u0i0, u0i1, u1i1}, a.values());
        assertEquals(0.5f, u0i1, 1e-6f);
        assertEquals(0f, a.get(0, 1));
        assertEquals(0f, a.get(4, 0));
    }

    @Test
    void isSymmetric() {
        NormalizedAdjacency a = tiny();
        for (int r = 0; r < a.nNodes(); r++) {
            for (int k = a.rowPtr()[r]; k < a.rowPtr()[r + 1]; k++) {
                assertEquals(a.values()[k], a.get(a.colIdx()[k], r));
            }
        }
    }

    @Test
    void cooIndicesFollowCsr() {
        NormalizedAdjacency a = tiny();
        assertArrayEquals(new long[] {0, 0, 1, 2, 3, 3, 2, 3, 3, 0, 0, 1}, a.cooIndices());
    }

    @Test
    void babyGraphHasTwiceTheDistinctTrainPairs() {
        InterTable t = InterReader.read(SharedData.require("amazon_baby_interactions_only/baby.inter"));
        int n = 0;
        for (byte l : t.labels()) {
            n += l == 0 ? 1 : 0;
        }
        int[] users = new int[n];
        int[] items = new int[n];
        Set<Long> distinct = new HashSet<>();
        for (int k = 0, w = 0; k < t.rows(); k++) {
            if (t.labels()[k] == 0) {
                users[w] = t.users()[k];
                items[w++] = t.items()[k];
                distinct.add((long) t.users()[k] << 32 | t.items()[k]);
            }
        }
        NormalizedAdjacency a = NormalizedAdjacency.fromTraining(t.nUsers(), t.nItems(), new Split(users, items));
        assertEquals(26_495, a.nNodes());
        assertEquals(2 * distinct.size(), a.nnz());
        for (int r = 0; r < a.nNodes(); r++) {
            int[] row = Arrays.copyOfRange(a.colIdx(), a.rowPtr()[r], a.rowPtr()[r + 1]);
            int[] sorted = row.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, row);
        }
    }
}
