/**
 * A whole-scenario comparison of the Asyncz scheduler with the JDK's scheduled executor, Spring's
 * task scheduler and Quartz: throughput, lateness and memory, in one plain run rather than JMH, on
 * two paths: the harness's own (one shared task, a nanoTime clock) and the user's (a lambda per
 * task, generated ids, the system clock).
 */
package io.asyncz.benchmarks.scheduler;
