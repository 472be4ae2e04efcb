/**
 * Asyncz core: the scheduler, triggers, tasks, executors, the memory store and events. It reads
 * nothing but SLF4J; {@code io.asyncz.internal} is not exported.
 *
 * <p>Executor, store and trigger plugins are found through {@link java.util.ServiceLoader}: a
 * module adds one with {@code provides io.asyncz.store.StoreFactory with ...} (or a {@code
 * META-INF/services} file on the class path).
 */
module io.asyncz.core {
  // Transitive: Scheduler and AbstractExecutor hand their subclasses an SLF4J Logger.
  requires transitive org.slf4j;

  exports io.asyncz;
  exports io.asyncz.config;
  exports io.asyncz.event;
  exports io.asyncz.executor;
  exports io.asyncz.history;
  exports io.asyncz.run;
  exports io.asyncz.scheduler;
  exports io.asyncz.store;
  exports io.asyncz.task;
  exports io.asyncz.time;
  exports io.asyncz.trigger;

  uses io.asyncz.executor.ExecutorFactory;
  uses io.asyncz.store.StoreFactory;
  uses io.asyncz.trigger.TriggerFactory;

  provides io.asyncz.executor.ExecutorFactory with
      io.asyncz.executor.BuiltInExecutorFactory;
  provides io.asyncz.store.StoreFactory with
      io.asyncz.store.BuiltInStoreFactory;
  provides io.asyncz.trigger.TriggerFactory with
      io.asyncz.trigger.BuiltInTriggerFactory;
}
