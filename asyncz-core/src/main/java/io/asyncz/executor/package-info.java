/**
 * Executors run tasks: a thread pool, virtual threads, or inline on the scheduler's thread. {@link
 * io.asyncz.executor.TaskExecutors} creates them, directly or by alias through the {@link
 * io.asyncz.executor.ExecutorFactory} plugins on the class path. Every executor, the process pool
 * of {@code asyncz-process} included, runs its runs through {@link
 * io.asyncz.executor.AbstractExecutor}'s one run loop.
 */
package io.asyncz.executor;
