package io.asyncz;

/**
 * The rules for the names a user gives: task ids, and the aliases of stores and executors. Every
 * entry point checks a name with these before using it, so that a name means the same thing in
 * every store, in file names, in configuration keys and in log lines.
 *
 * <p><b>Task ids</b> are 1 to {@value #MAX_TASK_ID_LENGTH} UTF-16 code units of visible text: no
 * control characters, no invisible format characters (such as U+200B or U+FEFF), no line or
 * paragraph separators, no space other than U+0020 and none at either end, no lone surrogates and
 * no Unicode noncharacters. The length is the id column of the JDBC store ({@code VARCHAR(191)},
 * which a MariaDB or MySQL {@code utf8mb4} primary key holds even with the 767-byte index limit of
 * older row formats); the characters refused are those that a store would change ({@code ?} for a
 * lone surrogate), refuse (PostgreSQL and a NUL) or compare differently (MariaDB ignores trailing
 * spaces), or that a user could not see in a listing.
 *
 * <p><b>Aliases</b> of stores and executors are 1 to {@value #MAX_ALIAS_LENGTH} ASCII letters,
 * digits, {@code _} and {@code -}, not starting with {@code -} (the pattern {@value
 * #ALIAS_PATTERN}): an alias becomes part of a configuration key ({@code
 * asyncz.stores.<alias>.type}, where a dot would split it), a logger name and the lock file of
 * {@code lock_path}, where a {@code /} or {@code ..} would put the file anywhere.
 */
public final class Identifiers {
  /** The longest task id, in UTF-16 code units ({@link String#length()}). */
  public static final int MAX_TASK_ID_LENGTH = 191;

  /** The longest store or executor alias. */
  public static final int MAX_ALIAS_LENGTH = 64;

  /** The pattern every store and executor alias matches. */
  public static final String ALIAS_PATTERN = "[A-Za-z0-9_][A-Za-z0-9_-]*";

  private static final String TASK_ID_RULE =
      "a task id is 1 to "
          + MAX_TASK_ID_LENGTH
          + " characters (UTF-16 code units) of visible text: no control, format or line"
          + " separator characters, no space other than U+0020 and none at either end, no lone"
          + " surrogates";

  private static final String ALIAS_RULE =
      "an alias is 1 to "
          + MAX_ALIAS_LENGTH
          + " ASCII letters, digits, '_' and '-', not starting with '-' ("
          + ALIAS_PATTERN
          + "): no spaces, dots or path separators";

  /** Quoted values longer than this are cut, so that a huge input cannot flood a log line. */
  private static final int QUOTE_LIMIT = 80;

  private Identifiers() {}

  /**
   * Checks a task id.
   *
   * @return {@code id}
   * @throws InvalidInputException when the id breaks a rule; the message quotes it (invisible
   *     characters escaped as {@code \}{@code uXXXX}), says which rule and where, and states the
   *     rules
   */
  public static String checkTaskId(String id) {
    return checkTaskId("task id", id);
  }

  /**
   * Checks a task id given as {@code argument}, e.g. {@code id}.
   *
   * @return {@code id}
   * @throws InvalidInputException when the id breaks a rule
   */
  public static String checkTaskId(String argument, String id) {
    String problem = taskIdProblem(id);
    if (problem != null) {
      throw new InvalidInputException(argument, quotable(id), problem + "; " + TASK_ID_RULE);
    }
    return id;
  }

  /** Whether {@code id} is a valid task id. */
  public static boolean isValidTaskId(String id) {
    return taskIdProblem(id) == null;
  }

  /**
   * Checks a store or executor alias.
   *
   * @param argument what the alias is, for the message, e.g. {@code store alias}
   * @return {@code alias}
   * @throws InvalidInputException when the alias does not match {@value #ALIAS_PATTERN} or is
   *     longer than {@value #MAX_ALIAS_LENGTH}; the message quotes it and states the rule
   */
  public static String checkAlias(String argument, String alias) {
    if (alias == lastValidAlias) {
      return alias; // every task built names the same one or two aliases: checked once
    }
    String problem = aliasProblem(alias);
    if (problem != null) {
      throw new InvalidInputException(argument, quotable(alias), problem + "; " + ALIAS_RULE);
    }
    lastValidAlias = alias;
    return alias;
  }

  /** The last alias found valid: a string is immutable, so the same instance stays valid. */
  private static volatile String lastValidAlias;

  /** Whether {@code alias} is a valid store or executor alias. */
  public static boolean isValidAlias(String alias) {
    return aliasProblem(alias) == null;
  }

  /**
   * The text with every character a reader could not see (controls, format characters, separators
   * other than U+0020, lone surrogates, noncharacters) written as {@code \}{@code uXXXX}, for
   * messages and listings.
   */
  public static String escape(CharSequence text) {
    StringBuilder sb = null;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      boolean visible;
      if (c >= 0x20 && c < 0x7f) {
        visible = true;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(i + 1));
        if (invisible(cp) == null) {
          if (sb != null) {
            sb.append(c).append(text.charAt(i + 1));
          }
          i++;
          continue;
        }
        visible = false;
      } else {
        visible = !Character.isSurrogate(c) && invisible(c) == null;
      }
      if (visible) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(n + 16).append(text, 0, i);
      }
      sb.append(String.format("\\u%04X", (int) c));
    }
    return sb == null ? text.toString() : sb.toString();
  }

  /** The value as a message quotes it: escaped, and cut after {@value #QUOTE_LIMIT} chars. */
  private static String quotable(String value) {
    if (value == null) {
      return null;
    }
    if (value.length() <= QUOTE_LIMIT) {
      return escape(value);
    }
    int cut = QUOTE_LIMIT;
    if (Character.isHighSurrogate(value.charAt(cut - 1))) {
      cut--;
    }
    return escape(value.substring(0, cut)) + "...";
  }

  private static String taskIdProblem(String id) {
    if (id == null) {
      return "is missing";
    }
    int n = id.length();
    if (n == 0 || id.isBlank()) {
      return "is blank";
    }
    if (n > MAX_TASK_ID_LENGTH) {
      return "has " + n + " characters, more than " + MAX_TASK_ID_LENGTH;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (c > 0x20 && c < 0x7f) {
        continue; // the common case: printable ASCII
      }
      if (c == ' ') {
        if (i == 0 || i == n - 1) {
          return "has a space at its " + (i == 0 ? "start" : "end");
        }
        continue;
      }
      int cp = c;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
        cp = Character.toCodePoint(c, id.charAt(i + 1));
      } else if (Character.isSurrogate(c)) {
        return "has a lone surrogate " + unicode(c) + " at index " + i;
      }
      String kind = invisible(cp);
      if (kind != null) {
        return "has " + kind + " " + unicode(cp) + " at index " + i;
      }
      if (cp != c) {
        i++;
      }
    }
    return null;
  }

  /** What kind of character a reader could not see {@code cp} is, or null if it is visible. */
  private static String invisible(int cp) {
    switch (Character.getType(cp)) {
      case Character.CONTROL:
        return "a control character";
      case Character.FORMAT:
        return "an invisible format character";
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
        return "a line separator";
      case Character.SPACE_SEPARATOR:
        return cp == ' ' ? null : "a space other than U+0020";
      default:
        boolean noncharacter = (cp & 0xfffe) == 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef);
        return noncharacter ? "a Unicode noncharacter" : null;
    }
  }

  private static String aliasProblem(String alias) {
    if (alias == null) {
      return "is missing";
    }
    int n = alias.length();
    if (n == 0) {
      return "is empty";
    }
    if (n > MAX_ALIAS_LENGTH) {
      return "has " + n + " characters, more than " + MAX_ALIAS_LENGTH;
    }
    for (int i = 0; i < n; i++) {
      char c = alias.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || (c == '-' && i > 0);
      if (!ok) {
        String what = c == ' ' ? "a space" : c == '-' ? "'-' first" : describe(c);
        return "has " + what + " at index " + i;
      }
    }
    return null;
  }

  private static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "' (" + unicode(c) + ")";
    }
    return unicode(c);
  }

  private static String unicode(int cp) {
    return String.format("U+%04X", cp);
  }
}
