package io.asyncz.executor;

/**
 * Runs each run at once on the thread that submits it, the scheduler's own (alias {@code debug} or
 * {@code inline}; the seed's DebugExecutor). Useful in tests and for very short tasks.
 */
public final class InlineExecutor extends AbstractExecutor {
  /** Creates the executor. */
  public InlineExecutor() {}

  @Override
  protected void dispatch(Runnable work) {
    work.run();
  }

  @Override
  public String toString() {
    return "InlineExecutor";
  }
}
