/**
 * A whole-scenario comparison of the Asyncz persistent stores with db-scheduler and Quartz JDBC on
 * one embedded PostgreSQL server, the throughput of each of our stores' operations, and the memory
 * store against its baseline (adds, lookups, drains, bytes per task and G1 refinement work).
 */
package io.asyncz.benchmarks.store;
