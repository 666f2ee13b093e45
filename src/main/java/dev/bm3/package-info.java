/** bm3-engine root: the shared input-error type every reader and config parser throws. */
package dev.bm3;
