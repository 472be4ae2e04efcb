package io.asyncz.dashboard;

import io.asyncz.InvalidInputException;
import java.util.Locale;

/** What a dashboard user may do. */
public enum Role {
  /** Reads everything, changes nothing. */
  VIEWER,
  /** Reads and changes everything. */
  OPERATOR;

  /** The role as the API and configuration spell it: {@code viewer}, {@code operator}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role a label names.
   *
   * @throws InvalidInputException for another label
   */
  public static Role parse(String label) {
    if (label != null) {
      for (Role r : values()) {
        if (r.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
    }
    throw new InvalidInputException("role", label, "is not a role; expected viewer or operator");
  }
}
