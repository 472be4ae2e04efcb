package io.asyncz.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code ```java} blocks of a Markdown file and finds whether a Java source holds a
 * block's code: every code line, in order, with whitespace and comments ignored, so that
 * google-java-format may wrap a line and a comment may say more in the code than in the doc.
 */
final class DocSnippets {
  /** A {@code ```java} block: its file, the line of its first code line, and its lines. */
  record Block(String file, int line, List<String> lines) {
    /** The first line that is not blank, to name the block in a failure. */
    String firstLine() {
      return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
    }

    /** {@code README.md:92 "Trigger weekdays = ..."}. */
    String name() {
      return file + ":" + line + " \"" + firstLine() + "\"";
    }
  }

  /** A piece of a block's code that must be found, and the doc line it comes from. */
  record Piece(String code, String docLine) {}

  private DocSnippets() {}

  /** The {@code ```java} blocks of a Markdown file, named by {@code name}. */
  static List<Block> javaBlocks(String name, Path markdown) throws IOException {
    return javaBlocks(name, Files.readAllLines(markdown));
  }

  /** The {@code ```java} blocks of Markdown lines. */
  static List<Block> javaBlocks(String name, List<String> markdown) {
    return blocks(name, markdown, "java");
  }

  /** The blocks of Markdown lines fenced as {@code language}. */
  static List<Block> blocks(String name, List<String> markdown, String language) {
    List<Block> blocks = new ArrayList<>();
    List<String> current = null;
    int start = 0;
    for (int i = 0; i < markdown.size(); i++) {
      String line = markdown.get(i).strip();
      if (current == null && line.equals("```" + language)) {
        current = new ArrayList<>();
        start = i + 2;
      } else if (current != null && line.equals("```")) {
        blocks.add(new Block(name, start, List.copyOf(current)));
        current = null;
      } else if (current != null) {
        current.add(markdown.get(i));
      }
    }
    if (current != null) {
      throw new IllegalStateException(name + ":" + (start - 1) + ": a block is never closed");
    }
    return blocks;
  }

  /** The directory holding README.md, docs/ and this module, found upwards from the working one. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md"))
          && Files.isDirectory(dir.resolve("docs"))
          && Files.isDirectory(dir.resolve("asyncz-examples"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /**
   * The code spans of a table's rows for {@code library} ({@code | Asyncz | `code` ... |}), each as
   * a one-line block: a cell may name its parts in any order ({@code `task(REMIND, ...)` with
   * `REMIND = ...`}).
   */
  static List<Block> tableCells(String name, List<String> markdown, String library) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < markdown.size(); i++) {
      String line = markdown.get(i).strip();
      if (line.startsWith("| " + library + " |")) {
        String[] spans = line.substring(library.length() + 4).split("`", -1);
        for (int span = 1; span < spans.length; span += 2) {
          blocks.add(new Block(name, i + 1, List.of(spans[span])));
        }
      }
    }
    return blocks;
  }

  /**
   * The pieces a source must hold, in order: each code line without comments and whitespace, split
   * at {@code ...} (which stands for code the doc leaves out, as in {@code void run() { ... }}).
   */
  static List<Piece> pieces(Block block) {
    String[] code = stripComments(String.join("\n", block.lines())).split("\n", -1);
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < code.length; i++) {
      for (String part : code[i].split("\\.\\.\\.", -1)) {
        String compact = removeWhitespace(part);
        if (!compact.isEmpty()) {
          pieces.add(new Piece(compact, block.lines().get(i).strip()));
        }
      }
    }
    return pieces;
  }

  /** A Java source as {@link #firstMissing} searches it: no comments, no whitespace. */
  static String compact(String javaSource) {
    return removeWhitespace(stripComments(javaSource));
  }

  /**
   * How many of the pieces a compacted source holds in order, from the first: all of them when the
   * source holds the block.
   */
  static int matchedInOrder(List<Piece> pieces, String compactSource) {
    int from = 0;
    for (int i = 0; i < pieces.size(); i++) {
      int at = compactSource.indexOf(pieces.get(i).code(), from);
      if (at < 0) {
        return i;
      }
      from = at + pieces.get(i).code().length();
    }
    return pieces.size();
  }

  /**
   * Removes {@code //} and {@code /* *}{@code /} comments, keeping string and character literals (a
   * {@code "mongodb://host"} is code) and every line break (so that lines keep their numbers).
   */
  static String stripComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? n : end + 3;
        out.append(source, i, end);
        i = end;
      } else if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, n);
        out.append(source, i, end);
        i = end;
      } else if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        source.substring(i, end).chars().filter(ch -> ch == '\n').forEach(ch -> out.append('\n'));
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String removeWhitespace(String text) {
    return text.replaceAll("\\s+", "");
  }
}
