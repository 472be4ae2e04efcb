package io.asyncz.process;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** A logback appender that keeps what one logger logs, for assertions. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final BlockingQueue<ILoggingEvent> events = new LinkedBlockingQueue<>();
  private final List<ILoggingEvent> all = new CopyOnWriteArrayList<>();
  private final Logger logger;

  LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    events.add(event);
    all.add(event);
  }

  /** Whether a matching event was logged already, without waiting. */
  boolean logged(Predicate<ILoggingEvent> matching) {
    return all.stream().anyMatch(matching);
  }

  /** Waits for an event that matches, skipping others; fails when none comes within a minute. */
  ILoggingEvent await(Predicate<ILoggingEvent> matching) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      ILoggingEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("no matching log event within a minute");
      }
      if (matching.test(event)) {
        return event;
      }
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
