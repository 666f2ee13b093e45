/**
 * The thin {@code bm3} command: parses arguments (picocli), builds configs and data sources, calls
 * the engine, and maps failures to exit codes (2 bad input or usage, 1 internal failure).
 */
package dev.bm3.cli;
