/**
 * Immutable, validated training configuration with MMRec key names, loaded from YAML and
 * {@code --set key=value} overrides; list-valued keys form a {@link dev.bm3.config.SearchSpace}.
 * No LibTorch types here.
 */
package dev.bm3.config;
