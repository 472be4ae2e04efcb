package io.asyncz.logging;

/**
 * One run's captured lines, bounded in lines and bytes; what does not fit is counted, and the part
 * of a line that fits is kept.
 */
final class RunLog {
  private final int maxLines;
  private final int maxBytes;
  private final StringBuilder text = new StringBuilder();
  private int lines;
  private int bytes;
  private int leftOut;
  private boolean cut;

  RunLog(int maxLines, int maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  synchronized void append(String line) {
    if (lines >= maxLines || bytes >= maxBytes) {
      leftOut++;
      return;
    }
    int room = maxBytes - bytes;
    int end = fitting(line, room);
    if (end < line.length()) {
      cut = true;
    }
    text.append(line, 0, end);
    if (text.length() == 0 || text.charAt(text.length() - 1) != '\n') {
      text.append('\n'); // each line ends with one, whether its layout gave it or it was cut
    }
    bytes += utf8Length(line, end);
    lines++;
  }

  synchronized boolean hasLines() {
    return lines > 0 || leftOut > 0;
  }

  synchronized String text() {
    StringBuilder all = new StringBuilder(text);
    if (cut || leftOut > 0) {
      all.append("[asyncz: ");
      if (cut) {
        all.append("a line was cut");
        if (leftOut > 0) {
          all.append(", and ");
        }
      }
      if (leftOut > 0) {
        all.append(leftOut).append(leftOut == 1 ? " more line was" : " more lines were");
        all.append(" left out");
      }
      all.append("; a run keeps ")
          .append(maxLines)
          .append(" lines, ")
          .append(maxBytes)
          .append(" bytes]\n");
    }
    return all.toString();
  }

  /** How many chars of {@code s}, from its start, fit in {@code room} bytes of UTF-8. */
  private static int fitting(String s, int room) {
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int width;
      int chars = 1;
      if (c < 0x80) {
        width = 1;
      } else if (c < 0x800) {
        width = 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        width = 4;
        chars = 2; // a pair is never split
      } else {
        width = 3;
      }
      if (used + width > room) {
        break;
      }
      used += width;
      i += chars;
    }
    return i;
  }

  private static int utf8Length(String s, int end) {
    int n = 0;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < end
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
