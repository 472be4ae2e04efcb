/** Executors run tasks: a thread pool, virtual threads, or inline on the scheduler's thread. */
package io.asyncz.executor;
