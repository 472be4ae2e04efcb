/**
 * Runs as they happen: a {@link io.asyncz.run.RunObserver} is told on the executing thread when
 * each run of a task starts and how it ends, which run history, metrics, tracing and log capture
 * build on.
 */
package io.asyncz.run;
