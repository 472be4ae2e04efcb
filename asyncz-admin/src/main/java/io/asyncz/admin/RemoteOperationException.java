package io.asyncz.admin;

import io.asyncz.AsynczException;

/** A remote API refused an operation for a reason that has no exception of its own. */
public final class RemoteOperationException extends AsynczException {
  private static final long serialVersionUID = 1L;

  private final transient OperationError error;

  /** Creates the exception from the API's error body. */
  public RemoteOperationException(OperationError error) {
    super(error.status() + " " + error.code() + ": " + error.message());
    this.error = error;
  }

  /** The API's error body. */
  public OperationError error() {
    return error;
  }
}
