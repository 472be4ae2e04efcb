package io.asyncz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.asyncz.examples.DocSnippets.Block;
import io.asyncz.examples.DocSnippets.Piece;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of {@code README.md} and {@code docs/*.md}, and every code span of
 * the Asyncz column in {@code docs/mapping.md}'s comparison with the peers, is code the build
 * compiles: its lines appear, in order, in one source of this module or in one of {@link
 * #COMPILED_ELSEWHERE}. A doc edited without its snippet class (or the reverse) fails here, naming
 * the file, the block and the first line that is not compiled.
 */
class DocSnippetsTest {
  /** Sources outside this module that compile a doc's block (each says so in its Javadoc). */
  static final List<String> COMPILED_ELSEWHERE =
      List.of(
          // docs/configuration.md, "Adding a plugin": a plugin is found through ServiceLoader,
          // which core's tests exercise.
          "asyncz-core/src/test/java/io/asyncz/executor/CpuExecutorFactory.java",
          // docs/scheduler.md, "Typed tasks that persist": runs against a FileStore.
          "asyncz-persistence/src/test/java/io/asyncz/persistence/TypedTaskDocsExampleTest.java",
          // docs/spring-boot.md, "Behind Spring Security": the recipe, run in a real container.
          "asyncz-spring-boot-starter/src/test/java/io/asyncz/spring/SpringSecurityTest.java");

  /** This guard's own sources, whose text is not a snippet. */
  static final List<String> GUARD =
      List.of(
          "asyncz-examples/src/test/java/io/asyncz/examples/DocSnippets.java",
          "asyncz-examples/src/test/java/io/asyncz/examples/DocSnippetsTest.java");

  @TestFactory
  Stream<DynamicTest> everyJavaBlockInTheDocsIsCompiled() throws IOException {
    Path root = DocSnippets.repositoryRoot();
    Map<String, String> sources = compiledSources(root);
    List<Block> blocks = new ArrayList<>();
    blocks.addAll(DocSnippets.javaBlocks("README.md", root.resolve("README.md")));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        blocks.addAll(DocSnippets.javaBlocks("docs/" + doc.getFileName(), doc));
      }
    }
    assertThat(blocks).as("java blocks in README.md and docs/*.md").hasSizeGreaterThan(20);
    // The Asyncz column of the comparison with the peers is code too (ApiTour).
    List<Block> tour =
        DocSnippets.tableCells(
            "docs/mapping.md", Files.readAllLines(root.resolve("docs/mapping.md")), "Asyncz");
    assertThat(tour).as("the Asyncz cells of docs/mapping.md").hasSizeGreaterThanOrEqualTo(5);
    blocks.addAll(tour);
    return blocks.stream()
        .map(block -> DynamicTest.dynamicTest(block.name(), () -> assertCompiled(block, sources)));
  }

  @Test
  void aBlockIsFoundWhenAFormatterWrapsItsLinesAndItsCommentsDiffer() {
    Block block =
        block(
            "Trigger hourly = IntervalTrigger.builder().hours(1) // each hour",
            "    .jitter(Duration.ofSeconds(30)).build();",
            "",
            "Store s = connect(\"mongodb://db:27017\");",
            "void run() { ... }");
    String source =
        """
        class A {
          /** The trigger. */
          Trigger hourly =
              IntervalTrigger.builder()
                  .hours(1)
                  .jitter(Duration.ofSeconds(30)) /* half a minute */
                  .build();
          Store s = connect("mongodb://db:27017");

          void run() {
            System.out.println("ran");
          }
        }
        """;

    assertThat(missing(block, source)).isNull();
  }

  @Test
  void aChangedLineIsTheOneReported() {
    Block block =
        block(
            "Trigger poll = IntervalTrigger.every(Duration.ofSeconds(30));",
            "scheduler.task(poller::poll).trigger(poll).add();");
    String source =
        """
        Trigger poll = IntervalTrigger.every(Duration.ofSeconds(60));
        scheduler.task(poller::poll).trigger(poll).add();
        """;

    assertThat(missing(block, source))
        .isEqualTo("Trigger poll = IntervalTrigger.every(Duration.ofSeconds(30));");
  }

  @Test
  void linesMustAppearInTheDocsOrder() {
    Block block = block("scheduler.pauseTask(\"report\");", "scheduler.resumeTask(\"report\");");
    String source =
        """
        scheduler.resumeTask("report");
        scheduler.pauseTask("report");
        """;

    assertThat(missing(block, source)).isEqualTo("scheduler.resumeTask(\"report\");");
  }

  @Test
  void commentMarkersInsideStringsAreCode() {
    Block block = block("Store s = connect(\"mongodb://db:27017\");");
    String source = "Store s = connect(\"mongodb:\");";

    assertThat(missing(block, source)).isEqualTo("Store s = connect(\"mongodb://db:27017\");");
  }

  @Test
  void eachCodeSpanOfALibrarysTableRowIsABlock() {
    List<Block> cells =
        DocSnippets.tableCells(
            "doc.md",
            List.of(
                "| library | code |",
                "| Asyncz | `task(REMIND, invoice).add();` with `REMIND = of(mail::remind)` |",
                "| Quartz | `scheduler.scheduleJob(job, trigger);` |"),
            "Asyncz");

    assertThat(cells)
        .extracting(Block::name)
        .containsExactly(
            "doc.md:2 \"task(REMIND, invoice).add();\"", "doc.md:2 \"REMIND = of(mail::remind)\"");
  }

  @Test
  void blocksAreReadWithTheLineOfTheirFirstCodeLine() {
    List<Block> blocks =
        DocSnippets.javaBlocks(
            "doc.md", List.of("# Title", "```java", "int a = 1;", "```", "```sh", "ls", "```"));

    assertThat(blocks).singleElement().extracting(Block::name).isEqualTo("doc.md:3 \"int a = 1;\"");
  }

  private static Block block(String... lines) {
    return new Block("doc.md", 1, List.of(lines));
  }

  /** The doc line of the first piece of the block that the source does not hold, or null. */
  private static String missing(Block block, String source) {
    List<Piece> pieces = DocSnippets.pieces(block);
    int matched = DocSnippets.matchedInOrder(pieces, DocSnippets.compact(source));
    return matched == pieces.size() ? null : pieces.get(matched).docLine();
  }

  private static void assertCompiled(Block block, Map<String, String> sources) {
    List<Piece> pieces = DocSnippets.pieces(block);
    String closest = null;
    int best = -1;
    for (Map.Entry<String, String> source : sources.entrySet()) {
      int matched = DocSnippets.matchedInOrder(pieces, source.getValue());
      if (matched == pieces.size()) {
        return;
      }
      if (matched > best) {
        best = matched;
        closest = source.getKey();
      }
    }
    String where =
        best == 0
            ? "no source holds even its first line,"
            : String.format(
                "no source holds its lines in order; the closest, %s, has the first %d of %d but"
                    + " not",
                closest, best, pieces.size());
    fail(
        "%s: this code is not compiled by the build: %s%n    %s%n"
            + "Make the doc and its snippet class agree (whitespace and comments may differ).",
        block.name(), where, pieces.get(best).docLine());
  }

  /** The compacted text of every Java source that may hold a doc's block, by path. */
  private static Map<String, String> compiledSources(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> examples = Files.walk(root.resolve("asyncz-examples/src"))) {
      examples
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !GUARD.contains(root.relativize(p).toString().replace('\\', '/')))
          .sorted(Comparator.naturalOrder())
          .forEach(files::add);
    }
    COMPILED_ELSEWHERE.forEach(path -> files.add(root.resolve(path)));
    Map<String, String> sources = new LinkedHashMap<>();
    for (Path file : files) {
      sources.put(root.relativize(file).toString(), DocSnippets.compact(Files.readString(file)));
    }
    return sources;
  }
}
