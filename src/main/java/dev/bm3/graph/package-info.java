/**
 * The user-item interaction graph as plain Java arrays (CSR and COO), normalized as the reference
 * does; the torch layer turns them into sparse tensors. No LibTorch types here.
 */
package dev.bm3.graph;
