package io.asyncz;

/** Root of every exception that Asyncz throws; all of them are unchecked. */
public class AsynczException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what went wrong and what was expected. */
  public AsynczException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public AsynczException(String message, Throwable cause) {
    super(message, cause);
  }
}
