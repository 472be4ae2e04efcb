package io.asyncz.spring;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ShutdownReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the scheduler once the application context is refreshed and shuts it down with the
 * context: in the phase of Spring Boot's graceful web-server shutdown, so that running tasks and
 * in-flight requests drain together, waiting at most {@code asyncz.spring.shutdown_timeout} for the
 * runs in progress.
 */
public final class AsynczLifecycle implements SmartLifecycle {
  /**
   * The phase: Spring Boot's graceful shutdown phase ({@code SmartLifecycle.DEFAULT_PHASE - 1024}),
   * which stops before the web server and long before the data sources close.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private static final Logger log = LoggerFactory.getLogger(AsynczLifecycle.class);

  private final Scheduler scheduler;
  private final boolean autoStartup;
  private final Duration shutdownTimeout;
  private final AtomicReference<ShutdownReport> lastShutdown = new AtomicReference<>();

  /** A lifecycle for {@code scheduler}. */
  public AsynczLifecycle(Scheduler scheduler, boolean autoStartup, Duration shutdownTimeout) {
    this.scheduler = scheduler;
    this.autoStartup = autoStartup;
    this.shutdownTimeout = shutdownTimeout;
  }

  @Override
  public void start() {
    if (!scheduler.isRunning()) {
      scheduler.start();
    }
  }

  @Override
  public void stop() {
    if (scheduler.isRunning()) {
      lastShutdown.set(scheduler.shutdown(shutdownTimeout));
    }
  }

  @Override
  public void stop(Runnable callback) {
    if (!scheduler.isRunning()) {
      callback.run();
      return;
    }
    // Off the closing thread, so that the other lifecycles of this phase (the web server's
    // graceful shutdown) drain at the same time; Spring waits for the callback.
    Thread thread =
        new Thread(
            () -> {
              try {
                stop();
              } catch (RuntimeException e) {
                log.error("Asyncz scheduler shutdown failed", e);
              } finally {
                callback.run();
              }
            },
            "asyncz-shutdown");
    thread.start();
  }

  @Override
  public boolean isRunning() {
    return scheduler.isRunning();
  }

  @Override
  public boolean isAutoStartup() {
    return autoStartup;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** What the last shutdown left behind, if this lifecycle shut the scheduler down. */
  public ShutdownReport lastShutdown() {
    return lastShutdown.get();
  }
}
