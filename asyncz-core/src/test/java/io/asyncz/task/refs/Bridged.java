package io.asyncz.task.refs;

import java.util.function.Supplier;

/** Has a compiler-made bridge method {@code Object get()} beside {@code String get()}. */
public final class Bridged implements Supplier<String> {
  /** Creates it. */
  public Bridged() {}

  @Override
  public String get() {
    return "bridged";
  }
}
