/**
 * Run history: a record of each run of a task (status, scheduled and actual start, end, node,
 * source, outcome), kept in the task's own store where it is persistent and in memory otherwise,
 * with retention by count and age, and queried by the CLI, the remote API and the dashboard.
 */
package io.asyncz.history;
