package io.asyncz.task.refs;

/** A class that is not public, with a public static method. */
final class PackagePrivateJobs {
  private PackagePrivateJobs() {}

  /** Public, but in a class that is not. */
  public static String run() {
    return "package-private class";
  }
}
