/**
 * The LibTorch boundary: runtime settings (threads, device, seed), array/tensor conversion, and
 * translation of native errors into engine exceptions naming the operation.
 */
package dev.bm3.torch;
