package io.asyncz.testkit.engine;

import io.asyncz.executor.AbstractExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs inline like the debug executor and counts the submissions it took. */
final class CountingExecutor extends AbstractExecutor {
  final AtomicInteger submissions = new AtomicInteger();
  volatile boolean shutDown;

  @Override
  protected void dispatch(Runnable work) {
    submissions.incrementAndGet();
    work.run();
  }

  @Override
  protected void stopAccepting() {
    shutDown = true;
  }
}
