/**
 * The embeddable surface of the engine: train from code ({@link dev.bm3.api.Bm3#trainer()}) and
 * serve a trained run ({@link dev.bm3.api.Recommender}). Only Java types cross this package's
 * boundary (int ids, String external ids, float arrays, records); no LibTorch or JavaCPP type
 * appears in a public signature.
 */
package dev.bm3.api;
