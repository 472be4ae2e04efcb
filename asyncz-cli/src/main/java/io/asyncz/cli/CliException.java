package io.asyncz.cli;

/** A failure that the command reports with its message and ends with an exit code. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Everything went as asked. */
  static final int OK = 0;

  /** The operation failed (a store unreachable, a run that failed, an unhealthy doctor). */
  static final int FAILURE = 1;

  /** The command line or the configuration is wrong. */
  static final int USAGE = 2;

  /** No task (or quarantined record) has the id given. */
  static final int NOT_FOUND = 3;

  /** The id is taken already. */
  static final int CONFLICT = 4;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
