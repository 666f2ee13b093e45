package dev.bm3.model;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Split;
import dev.bm3.data.UserItems;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NegativeSamplerTest {
    /** 4 users over items 0..9 (all occur in training); user 2 has all but item 7. */
    static UserItems train() {
        int[] users = {0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3};
        int[] items = {1, 4, 9, 0, 5, 0, 1, 2, 3, 4, 5, 6, 8, 9, 2, 7};
        return new Split(users, items).byUser(4);
    }

    @Test
    void consecutiveBatchesAreIndependentDraws() {
        // A regression: batch streams keyed one golden-gamma apart were the same stream shifted by one.
        int[] users = new int[400];
        NegativeSampler s = new NegativeSampler(train(), 11);
        int[] a = s.sample(users);
        int[] b = s.sample(users);
        int shifted = 0;
        int same = 0;
        for (int k = 0; k + 1 < users.length; k++) {
            shifted += b[k] == a[k + 1] ? 1 : 0;
            same += b[k] == a[k] ? 1 : 0;
        }
        double chance = 1.0 / (s.poolSize() - train().count(0));
        assertTrue(shifted < 4 * chance * users.length + 10, "batch 2 repeats batch 1 shifted: " + shifted);
        assertTrue(same < 4 * chance * users.length + 10, "batch 2 repeats batch 1: " + same);
    }

    @Test
    void neverReturnsATrainingItemOfTheUser() {
        UserItems t = train();
        NegativeSampler s = new NegativeSampler(t, 1);
        int[] users = new int[5000];
        for (int k = 0; k < users.length; k++) {
            users[k] = k % 4;
        }
        int[] neg = s.sample(users);
        for (int k = 0; k < users.length; k++) {
            assertFalse(t.contains(users[k], neg[k]), "user " + users[k] + " got its training item " + neg[k]);
            assertTrue(neg[k] >= 0 && neg[k] < 10);
        }
    }

    @Test
    void uniformOverTheOtherItems() {
        NegativeSampler s = new NegativeSampler(train(), 2);
        int n = 70_000;
        int[] users = new int[n]; // user 0: 7 candidates (all but 1, 4, 9)
        int[] counts = new int[10];
        for (int v : s.sample(users)) {
            counts[v]++;
        }
        double expected = n / 7.0;
        for (int i = 0; i < 10; i++) {
            if (i == 1 || i == 4 || i == 9) {
                assertEquals(0, counts[i]);
            } else {
                // 5 standard deviations of a binomial(n, 1/7)
                assertEquals(expected, counts[i], 5 * Math.sqrt(n / 7.0 * 6 / 7), "item " + i + ": " + Arrays.toString(counts));
            }
        }
    }

    @Test
    void deterministicPerSeed() {
        int[] users = {0, 1, 2, 3, 0, 1, 2, 3, 3, 3, 1};
        int[] a = new NegativeSampler(train(), 7).sample(users);
        int[] b = new NegativeSampler(train(), 7).sample(users);
        assertArrayEquals(a, b);
        int[] big = new int[200];
        assertFalse(Arrays.equals(new NegativeSampler(train(), 7).sample(big), new NegativeSampler(train(), 8).sample(big)));
    }

    @Test
    void userWithAllButOneItemAlwaysGetsThatItem() {
        NegativeSampler s = new NegativeSampler(train(), 3);
        int[] users = new int[1000];
        Arrays.fill(users, 2);
        for (int v : s.sample(users)) {
            assertEquals(7, v);
        }
    }

    @Test
    void candidatesAreTheItemsSeenInTraining() {
        // items 0..5 exist, but only 1, 2 and 3 occur in training: item 0, 4, 5 are never drawn
        UserItems t = new Split(new int[] {0, 1, 1}, new int[] {1, 2, 3}).byUser(2);
        NegativeSampler s = new NegativeSampler(t, 4);
        assertEquals(3, s.poolSize());
        for (int v : s.sample(new int[500])) {
            assertTrue(v == 2 || v == 3, "got " + v);
        }
    }

    @Test
    void rejectsUserWithEveryItem() {
        UserItems t = new Split(new int[] {0, 0, 0, 1}, new int[] {0, 1, 2, 1}).byUser(2);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> new NegativeSampler(t, 1));
        assertTrue(e.getMessage().contains("user 0") && e.getMessage().contains("all 3 training items"), e.getMessage());
    }
}
