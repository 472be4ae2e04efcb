/** What run history costs the engine: drains with history off and on, in memory and PostgreSQL. */
package io.asyncz.benchmarks.history;
