/**
 * Asyncz task logs: the log lines written while a task runs, captured per run with a size cap
 * ({@link io.asyncz.logging.TaskLogCapture}), from Logback ({@link
 * io.asyncz.logging.AsynczTaskLogAppender}, when Logback is there) and {@code java.util.logging}
 * ({@link io.asyncz.logging.AsynczTaskLogHandler}).
 */
module io.asyncz.logging {
  requires transitive io.asyncz.core;
  requires transitive java.logging;
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;

  exports io.asyncz.logging;
}
