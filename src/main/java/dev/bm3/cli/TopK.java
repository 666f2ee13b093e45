package dev.bm3.cli;

import java.util.PriorityQueue;

/** Top-K item ids of one score row, ties broken by ascending item id (the evaluator's order). */
final class TopK {
    private TopK() {
    }

    static int[] select(float[] scores, boolean[] excluded, int k) {
        // min-heap on (score, -id): the root is the current worst of the kept items
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> scores[a] != scores[b]
                ? Float.compare(scores[a], scores[b]) : Integer.compare(b, a));
        for (int i = 0; i < scores.length; i++) {
            if (excluded[i]) {
                continue;
            }
            if (heap.size() < k) {
                heap.add(i);
            } else if (scores[i] > scores[heap.peek()]) {
                heap.poll();
                heap.add(i);
            }
        }
        int[] out = new int[heap.size()];
        for (int j = out.length - 1; j >= 0; j--) {
            out[j] = heap.poll();
        }
        return out;
    }
}
