package dev.bm3.data;

import java.util.Arrays;

/**
 * One split (train, validation or test) as parallel arrays of user and item ids, in file order.
 * Duplicated pairs are kept as they appear (they are positives twice in training batches, as in
 * the reference); {@link #byUser(int)} collapses them.
 */
public record Split(int[] users, int[] items) {
    public Split {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users and items differ in length: " + users.length + " != " + items.length);
        }
    }

    public int size() {
        return users.length;
    }

    /** Items of each user, sorted ascending and de-duplicated, as a CSR-like index. */
    public UserItems byUser(int nUsers) {
        int[] counts = new int[nUsers + 1];
        for (int u : users) {
            counts[u + 1]++;
        }
        for (int u = 0; u < nUsers; u++) {
            counts[u + 1] += counts[u];
        }
        int[] fill = Arrays.copyOf(counts, nUsers);
        int[] flat = new int[users.length];
        for (int k = 0; k < users.length; k++) {
            flat[fill[users[k]]++] = items[k];
        }
        // sort and de-duplicate within each user's range, compacting as we go
        int[] offsets = new int[nUsers + 1];
        int w = 0;
        for (int u = 0; u < nUsers; u++) {
            int from = counts[u];
            int to = counts[u + 1];
            Arrays.sort(flat, from, to);
            offsets[u] = w;
            for (int k = from; k < to; k++) {
                if (k == from || flat[k] != flat[k - 1]) {
                    flat[w++] = flat[k];
                }
            }
        }
        offsets[nUsers] = w;
        return new UserItems(offsets, Arrays.copyOf(flat, w));
    }
}
