/**
 * Executors run tasks: a thread pool, virtual threads, or inline on the scheduler's thread. {@link
 * io.asyncz.executor.TaskExecutors} creates them, directly or by alias through the {@link
 * io.asyncz.executor.ExecutorFactory} plugins on the class path.
 */
package io.asyncz.executor;
