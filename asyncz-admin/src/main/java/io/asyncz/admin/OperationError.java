package io.asyncz.admin;

import io.asyncz.AsynczException;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.MaxInstancesException;
import io.asyncz.SchedulerNotRunningException;
import io.asyncz.TaskLookupException;

/**
 * A refused operation as every surface reports it: the API's error body, a bulk item's error.
 *
 * @param status the HTTP status: 400 bad input, 401, 403, 404 no such task or run, 409 conflict,
 *     429, 500
 * @param code a stable name: {@code invalid_input}, {@code not_found}, {@code conflict}, {@code
 *     max_instances}, {@code not_running}, {@code unauthenticated}, {@code forbidden}, {@code
 *     csrf}, {@code too_many_attempts}, {@code internal}
 * @param message the message, quoting the input
 * @param argument the argument or field that was wrong, or {@code null}
 * @param value the input that was refused (for 404 and 409: the id), or {@code null}
 * @param expected what would have been accepted, or {@code null}
 */
public record OperationError(
    int status, String code, String message, String argument, String value, String expected) {

  /** An error with a status, code and message only. */
  public static OperationError of(int status, String code, String message) {
    return new OperationError(status, code, message, null, null, null);
  }

  /** The error a failure of an operation stands for; anything unexpected is a 500. */
  public static OperationError of(Throwable failure) {
    if (failure instanceof InvalidInputException e) {
      String prefix = "Invalid " + e.argument() + ": " + quoted(e) + " ";
      String expected =
          e.getMessage().startsWith(prefix)
              ? e.getMessage().substring(prefix.length())
              : e.getMessage();
      return new OperationError(
          400, "invalid_input", e.getMessage(), e.argument(), e.value(), expected);
    }
    if (failure instanceof TaskLookupException e) {
      return new OperationError(404, "not_found", e.getMessage(), "id", e.taskId(), null);
    }
    if (failure instanceof ConflictIdException e) {
      return new OperationError(409, "conflict", e.getMessage(), "id", e.taskId(), null);
    }
    if (failure instanceof MaxInstancesException e) {
      return new OperationError(409, "max_instances", e.getMessage(), "id", e.taskId(), null);
    }
    if (failure instanceof SchedulerNotRunningException e) {
      return of(409, "not_running", e.getMessage());
    }
    if (failure instanceof AsynczException e) {
      return of(500, "internal", e.getMessage());
    }
    // Not an operator's mistake: the details go to the log, not to the client.
    return of(500, "internal", "internal error: " + failure.getClass().getSimpleName());
  }

  private static String quoted(InvalidInputException e) {
    String message = e.getMessage();
    String head = "Invalid " + e.argument() + ": ";
    String plain = InvalidInputException.quote(e.value());
    if (message.startsWith(head + plain + " ")) {
      return plain;
    }
    return e.value(); // a value that is not a string prints without quotes
  }

  /**
   * The exception this error stands for on the caller's side: the same types the in-process
   * operations throw, so that the command line reports a remote failure as it reports a local one.
   */
  public RuntimeException toException() {
    return switch (code) {
      case "invalid_input" ->
          argument != null && expected != null
              ? new InvalidInputException(argument, value, expected)
              : new InvalidInputException("request", value, message);
      case "not_found" -> new TaskLookupException(value != null ? value : message);
      case "conflict" -> new ConflictIdException(value != null ? value : message);
      default -> new RemoteOperationException(this);
    };
  }
}
