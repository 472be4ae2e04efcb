/**
 * A whole-scenario comparison of the Asyncz persistent stores with db-scheduler and Quartz JDBC on
 * one embedded PostgreSQL server, and the throughput of each of our stores' operations.
 */
package io.asyncz.benchmarks.store;
