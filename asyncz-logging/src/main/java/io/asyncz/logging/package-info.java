/**
 * Task logs: {@link io.asyncz.logging.TaskLogCapture} collects the lines logged while each run of a
 * task goes on, told which run by the MDC key {@code asyncz.run_id}, and hands them over at the
 * run's end ({@link io.asyncz.logging.TaskLogCapture#take}); a Logback appender and a {@code
 * java.util.logging} handler feed it.
 */
package io.asyncz.logging;
