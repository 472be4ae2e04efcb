package io.asyncz;

import java.util.Objects;

/**
 * Bad input given to a public entry point: a trigger field out of range, an unknown alias, a date
 * that cannot be parsed. The message quotes the input, names the argument and says what is allowed.
 */
public class InvalidInputException extends AsynczException {
  private static final long serialVersionUID = 1L;

  private final String argument;
  private final String value;
  private final String expectation;

  /**
   * Creates the exception.
   *
   * @param argument the name of the argument or field that was wrong, e.g. {@code hour}
   * @param value the offending input as the user gave it
   * @param expectation what would have been accepted, e.g. {@code "is out of range 0-23"}
   */
  public InvalidInputException(String argument, Object value, String expectation) {
    super("Invalid " + argument + ": " + quote(value) + " " + expectation);
    this.argument = argument;
    this.value = String.valueOf(value);
    this.expectation = expectation;
  }

  /** What would have been accepted, as the message says it. */
  public String expectation() {
    return expectation;
  }

  /** The argument or field that was wrong. */
  public String argument() {
    return argument;
  }

  /** The offending input, as text. */
  public String value() {
    return value;
  }

  /** Quotes a value for a message: strings in double quotes, anything else as it prints. */
  public static String quote(Object value) {
    if (value instanceof CharSequence) {
      return '"' + value.toString() + '"';
    }
    return Objects.toString(value);
  }
}
