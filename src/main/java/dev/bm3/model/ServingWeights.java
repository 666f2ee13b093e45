package dev.bm3.model;

import java.util.List;

/**
 * A trained BM3 model as plain Java arrays, for serving without LibTorch: the FINAL embeddings
 * the scores use ({@code f_p(H_U)} and {@code f_p(H_I)}, SPEC section 6) and the weights a
 * feature-only (cold-start) item goes through (projection per modality, then the predictor).
 * All matrices are row-major; the arrays are fresh copies owned by the record.
 *
 * @param users             n_users x dim, row u = f_p(H_U[u])
 * @param items             n_items x dim, row i = f_p(H_I[i])
 * @param modalities        modality names, in the model's order
 * @param featureDims       raw feature width per modality (same order)
 * @param projectionWeights per modality, dim x featureDim (Linear weight: out x in)
 * @param projectionBiases  per modality, dim
 * @param predictorWeight   dim x dim (out x in)
 * @param predictorBias     dim
 */
public record ServingWeights(int nUsers, int nItems, int dim, float[] users, float[] items,
                             List<String> modalities, List<Integer> featureDims,
                             List<float[]> projectionWeights, List<float[]> projectionBiases,
                             float[] predictorWeight, float[] predictorBias) {
}
