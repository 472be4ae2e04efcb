package io.asyncz.process;

import io.asyncz.task.TaskRegistry;

/**
 * Registers, in each worker JVM, the functions and task definitions that tasks sent to the process
 * pool name, so that a worker resolves the same references as the application. A worker calls every
 * registrar listed in {@code META-INF/services/io.asyncz.process.WorkerRegistrar} and every one
 * named in the executor's {@code registrars} option, once, before it takes its first run.
 *
 * <p>An implementation must have a public no-argument constructor, register nothing that depends on
 * the parent's objects (a worker is another JVM: it shares the class path, not the heap), and
 * register the same names in every process, since a reference means what the registry says.
 */
@FunctionalInterface
public interface WorkerRegistrar {

  /** Registers functions and definitions in a worker's registry. */
  void register(TaskRegistry registry);
}
