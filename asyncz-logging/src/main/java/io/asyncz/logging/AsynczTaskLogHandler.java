package io.asyncz.logging;

import io.asyncz.run.RunInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.MDC;

/**
 * A {@code java.util.logging} handler that hands each record logged during a task's run to a {@link
 * TaskLogCapture}. A record carries no MDC, so the run is the one the SLF4J MDC names on the
 * logging thread ({@value RunInfo#MDC_RUN_ID}), or, with an SLF4J provider that has no MDC, the one
 * the capture runs on that thread. Configured in {@code logging.properties} ({@code
 * handlers=io.asyncz.logging.AsynczTaskLogHandler}, with optional {@code .level} and {@code
 * .formatter}), it feeds {@link TaskLogCapture#shared()}.
 */
public class AsynczTaskLogHandler extends Handler {
  private final TaskLogCapture capture;

  /** A handler that feeds the shared capture, configured by the {@code LogManager}'s properties. */
  public AsynczTaskLogHandler() {
    this(TaskLogCapture.shared());
    LogManager manager = LogManager.getLogManager();
    String prefix = AsynczTaskLogHandler.class.getName();
    String level = manager.getProperty(prefix + ".level");
    if (level != null) {
      setLevel(Level.parse(level.strip()));
    }
    String formatter = manager.getProperty(prefix + ".formatter");
    if (formatter != null) {
      try {
        setFormatter(
            (Formatter)
                ClassLoader.getSystemClassLoader()
                    .loadClass(formatter.strip())
                    .getDeclaredConstructor()
                    .newInstance());
      } catch (ReflectiveOperationException | ClassCastException e) {
        reportError("Cannot create formatter " + formatter, e, 0);
      }
    }
  }

  /** A handler that feeds {@code capture}, with one line per record (see {@link LineFormatter}). */
  public AsynczTaskLogHandler(TaskLogCapture capture) {
    this.capture = Objects.requireNonNull(capture, "capture");
    setFormatter(new LineFormatter());
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null || !isLoggable(record)) {
      return;
    }
    String runId = MDC.get(RunInfo.MDC_RUN_ID);
    if (runId == null) {
      runId = capture.currentRunId();
    }
    if (runId == null) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError(null, e, 5); // ErrorManager.FORMAT_FAILURE
      return;
    }
    capture.append(runId, line);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /**
   * The default format: {@code HH:mm:ss.SSS LEVEL logger - message}, in the system zone, then the
   * stack trace of a thrown exception.
   */
  public static final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** Creates the formatter. */
    public LineFormatter() {}

    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(128);
      line.append(TIME.format(record.getInstant()))
          .append(' ')
          .append(record.getLevel().getName())
          .append(' ')
          .append(record.getLoggerName())
          .append(" - ")
          .append(formatMessage(record))
          .append('\n');
      Throwable thrown = record.getThrown();
      if (thrown != null) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        line.append(trace);
      }
      return line.toString();
    }
  }
}
