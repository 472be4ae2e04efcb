package io.asyncz.task.refs;

import java.util.concurrent.Callable;

/** Methods of every kind, for references from text: only {@link #report} may resolve. */
public final class PublicJobs {
  private PublicJobs() {}

  /** The one method a reference may reach. */
  public static String report(String name) {
    return "report " + name;
  }

  private static String secret() {
    return "secret";
  }

  static String packagePrivate() {
    return "package-private";
  }

  protected static String inherited() {
    return "protected";
  }

  /** An instance method. */
  public String instance() {
    return "instance";
  }

  /** Returns a lambda, whose body the compiler puts in a private static synthetic method. */
  public static Callable<String> lambda() {
    return () -> secret() + packagePrivate() + inherited();
  }

  /** A public static nested class in a public class: reachable. */
  public static final class Nested {
    private Nested() {}

    /** Reachable as {@code PublicJobs$Nested::run}. */
    public static String run() {
      return "nested";
    }
  }

  /** A nested class that is not public. */
  static final class Hidden {
    private Hidden() {}

    /** Public, but in a class that is not. */
    public static String run() {
      return "hidden";
    }
  }
}
