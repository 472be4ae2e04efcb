package io.asyncz.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.asyncz.run.RunInfo;
import java.util.Map;

/**
 * A Logback appender that hands each event logged during a task's run (its MDC holds {@value
 * RunInfo#MDC_RUN_ID}) to a {@link TaskLogCapture}, formatted by a pattern; other events are left
 * alone. Configured in {@code logback.xml}, it feeds {@link TaskLogCapture#shared()}:
 *
 * <pre>{@code
 * <appender name="TASKS" class="io.asyncz.logging.AsynczTaskLogAppender">
 *   <pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern>
 * </appender>
 * <root level="INFO"><appender-ref ref="TASKS"/></root>
 * }</pre>
 */
public class AsynczTaskLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  /** The pattern used when none is set. */
  public static final String DEFAULT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";

  private String pattern = DEFAULT_PATTERN;
  private TaskLogCapture capture;
  private PatternLayout layout;

  /** An appender that feeds the shared capture unless {@link #setCapture} gives another. */
  public AsynczTaskLogAppender() {}

  /** The Logback pattern of each line (a stack trace is added when the pattern has none). */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** The pattern of each line. */
  public String getPattern() {
    return pattern;
  }

  /** The capture fed; {@link TaskLogCapture#shared()} when none is set. */
  public void setCapture(TaskLogCapture capture) {
    this.capture = capture;
  }

  @Override
  public void start() {
    if (pattern == null || pattern.isBlank()) {
      addError("No pattern set for the appender named \"" + name + "\"");
      return;
    }
    PatternLayout made = new PatternLayout();
    made.setContext(getContext());
    made.setPattern(pattern);
    made.start();
    layout = made;
    if (capture == null) {
      capture = TaskLogCapture.shared();
    }
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    if (layout != null) {
      layout.stop();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    String runId = mdc == null ? null : mdc.get(RunInfo.MDC_RUN_ID);
    if (runId != null) {
      capture.append(runId, layout.doLayout(event));
    }
  }
}
