package dev.bm3.api;

/**
 * One user ranked for an item (see {@link Recommender#recommendUsersForItem}).
 *
 * @param user   the user's index (0-based, as in the {@code .inter} file)
 * @param userId the user's external id, or the index in decimal without an id map
 * @param score  the model's score for the pair, higher is better
 */
public record ScoredUser(int user, String userId, float score) {
}
