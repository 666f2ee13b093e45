/**
 * Full-ranking evaluation: metric formulas (SPEC section 6), the batched evaluator with
 * deterministic tie-breaking, and simple scorers (popularity). Pure Java.
 */
package dev.bm3.eval;
