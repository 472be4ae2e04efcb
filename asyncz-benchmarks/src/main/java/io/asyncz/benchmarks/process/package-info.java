/** The process pool's per-run overhead beside the core's pool executor, and worker start time. */
package io.asyncz.benchmarks.process;
