/**
 * A whole-scenario comparison of the Asyncz scheduler with the JDK's scheduled executor, Spring's
 * task scheduler and Quartz: throughput, lateness and memory, in one plain run rather than JMH.
 */
package io.asyncz.benchmarks.scheduler;
