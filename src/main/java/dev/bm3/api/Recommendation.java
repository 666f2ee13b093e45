package dev.bm3.api;

/**
 * One recommended item.
 *
 * @param item   the item's index (0-based, as in the {@code .inter} file)
 * @param itemId the item's external id (from the run's id map), or the index in decimal without one
 * @param score  the model's score, higher is better (a dot product; a cosine for similar items)
 */
public record Recommendation(int item, String itemId, float score) {
}
