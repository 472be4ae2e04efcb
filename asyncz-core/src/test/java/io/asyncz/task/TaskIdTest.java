package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.trigger.ShutdownTrigger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Task ids are checked where every task is built: builders, annotations, stores' decoding. */
class TaskIdTest {
  private static final TaskFunction NOOP = (args, kwargs) -> null;

  private static Task build(String id) {
    return Task.builder(id).function(NOOP, null).trigger(ShutdownTrigger.instance()).build();
  }

  static Stream<String> validIds() {
    return Stream.of(
        "a",
        "?",
        "nightly-report",
        "com.example.Reports::nightly#1",
        "send report to ops",
        "C:\\jobs\\daily",
        "tâche-été",
        "日本語のタスク",
        "party \uD83C\uDF89", // a surrogate pair, U+1F389
        "x".repeat(191));
  }

  @ParameterizedTest
  @MethodSource("validIds")
  void acceptsVisibleTextUpToTheLimit(String id) {
    assertThat(build(id).id()).isEqualTo(id);
  }

  static Stream<Arguments> invalidIds() {
    return Stream.of(
        Arguments.of("", "\"\" is blank"),
        Arguments.of("   ", "\"   \" is blank"),
        Arguments.of("x".repeat(192), "has 192 characters, more than 191"),
        Arguments.of("a\u0000b", "\"a\\u0000b\" has a control character U+0000 at index 1"),
        Arguments.of("a\tb", "\"a\\u0009b\" has a control character U+0009 at index 1"),
        Arguments.of("a\u007fb", "has a control character U+007F at index 1"),
        Arguments.of("a\u0085b", "has a control character U+0085 at index 1"),
        Arguments.of("\ud800", "\"\\uD800\" has a lone surrogate U+D800 at index 0"),
        Arguments.of("id\udc00", "\"id\\uDC00\" has a lone surrogate U+DC00 at index 2"),
        Arguments.of("\udc00\ud800", "has a lone surrogate U+DC00 at index 0"),
        Arguments.of("a\u2028b", "\"a\\u2028b\" has a line separator U+2028 at index 1"),
        Arguments.of("a\u2029b", "has a line separator U+2029 at index 1"),
        Arguments.of(
            "\ufeffid", "\"\\uFEFFid\" has an invisible format character U+FEFF at index 0"),
        Arguments.of("a\u200bb", "has an invisible format character U+200B at index 1"),
        Arguments.of("abc\u202edcba", "has an invisible format character U+202E at index 3"),
        Arguments.of(
            "tag\udb40\udc01",
            "\"tag\\uDB40\\uDC01\" has an invisible format character" + " U+E0001 at index 3"),
        Arguments.of("a\u00a0b", "\"a\\u00A0b\" has a space other than U+0020 U+00A0 at index 1"),
        Arguments.of("a\u3000b", "has a space other than U+0020 U+3000 at index 1"),
        Arguments.of("id ", "\"id \" has a space at its end"),
        Arguments.of(" id", "\" id\" has a space at its start"),
        Arguments.of("a\uffffb", "has a Unicode noncharacter U+FFFF at index 1"));
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void refusesAnIdThatAStoreWouldChangeOrAUserCouldNotSee(String id, String problem) {
    assertThatThrownBy(() -> build(id))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid id: ")
        .hasMessageContaining(problem)
        .hasMessageEndingWith(
            "; a task id is 1 to 191 characters (UTF-16 code units) of visible text: no control,"
                + " format or line separator characters, no space other than U+0020 and none at"
                + " either end, no lone surrogates");
  }

  @org.junit.jupiter.api.Test
  void aLoneSurrogateNoLongerStandsForTheIdQuestionMark() {
    // Stores encode text as UTF-8, which turns a lone surrogate into "?".
    assertThat(build("?").id()).isEqualTo("?");
    assertThatThrownBy(() -> build("\ud83c")).isInstanceOf(InvalidInputException.class);
  }

  @org.junit.jupiter.api.Test
  void quotesAHugeIdOnlyInPart() {
    String id = "y".repeat(100_000);
    assertThatThrownBy(() -> build(id))
        .hasMessageStartingWith(
            "Invalid id: \"" + "y".repeat(80) + "...\" has 100000 characters," + " more than 191;");
  }

  @org.junit.jupiter.api.Test
  void refusesAMissingId() {
    assertThatThrownBy(() -> build(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid id: null is missing;");
  }
}
