package io.asyncz.persistence;

/**
 * A stored task document of a newer format version than this code reads: refused, never misread.
 * Upgrade Asyncz to read it.
 */
public final class UnsupportedTaskFormatException extends CorruptTaskRecordException {
  private static final long serialVersionUID = 1L;

  private final int version;

  /**
   * Creates the exception.
   *
   * @param taskId the id of the task, or {@code null} when not known
   * @param version the version the document declares
   */
  public UnsupportedTaskFormatException(String taskId, int version) {
    super(
        taskId,
        Reason.UNSUPPORTED_VERSION,
        "format version "
            + version
            + " is newer than the versions this code reads (up to "
            + TaskStateCodec.VERSION
            + "); upgrade Asyncz to read it",
        null);
    this.version = version;
  }

  /** The version the document declares. */
  public int version() {
    return version;
  }
}
