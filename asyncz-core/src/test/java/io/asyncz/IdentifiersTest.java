package io.asyncz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
  private static final String ALIAS_RULE =
      "; an alias is 1 to 64 ASCII letters, digits, '_' and '-', not starting with '-'"
          + " ([A-Za-z0-9_][A-Za-z0-9_-]*): no spaces, dots or path separators";

  @ParameterizedTest
  @ValueSource(strings = {"default", "a", "db_2", "Archive-EU", "_private", "9", "x-"})
  void acceptsAliasesOfLettersDigitsUnderscoresAndDashes(String alias) {
    assertThat(Identifiers.checkAlias("store alias", alias)).isEqualTo(alias);
    assertThat(Identifiers.isValidAlias(alias)).isTrue();
  }

  @Test
  void acceptsAnAliasOfSixtyFourCharacters() {
    assertThat(Identifiers.isValidAlias("a".repeat(64))).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "'default '| \"default \" has a space at index 7",
        "' default'| \" default\" has a space at index 0",
        "'a/b'| \"a/b\" has '/' (U+002F) at index 1",
        "'..'| \"..\" has '.' (U+002E) at index 0",
        "'db.main'| \"db.main\" has '.' (U+002E) at index 2",
        "'C:\\tasks'| \"C:\\tasks\" has ':' (U+003A) at index 1",
        "'{store}'| \"{store}\" has '{' (U+007B) at index 0",
        "'-x'| \"-x\" has '-' first at index 0",
        "'été'| \"été\" has U+00E9 at index 0",
        "''| \"\" is empty"
      })
  void refusesAnyOtherAliasQuotingItAndStatingTheRule(String alias, String problem) {
    assertThatThrownBy(() -> Identifiers.checkAlias("store alias", alias))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid store alias: " + problem + ALIAS_RULE);
    assertThat(Identifiers.isValidAlias(alias)).isFalse();
  }

  @Test
  void refusesAnAliasLongerThanSixtyFourOrMissing() {
    assertThatThrownBy(() -> Identifiers.checkAlias("executor alias", "a".repeat(65)))
        .hasMessage(
            "Invalid executor alias: \""
                + "a".repeat(65)
                + "\" has 65 characters, more than 64"
                + ALIAS_RULE);
    assertThatThrownBy(() -> Identifiers.checkAlias("executor alias", null))
        .hasMessage("Invalid executor alias: null is missing" + ALIAS_RULE);
  }

  @Test
  void showsInvisibleCharactersInAlias() {
    assertThatThrownBy(() -> Identifiers.checkAlias("store alias", "a\u200bb"))
        .hasMessageStartingWith("Invalid store alias: \"a\\u200Bb\" has U+200B at index 1;");
  }

  static Stream<Arguments> escapes() {
    return Stream.of(
        Arguments.of("plain text", "plain text"),
        Arguments.of("tâche 日本 \uD83C\uDF89", "tâche 日本 \uD83C\uDF89"),
        Arguments.of("a\u0000b", "a\\u0000b"),
        Arguments.of("line\nbreak", "line\\u000Abreak"),
        Arguments.of("\ufeffbom", "\\uFEFFbom"),
        Arguments.of("no\u00a0break", "no\\u00A0break"),
        Arguments.of("lone \ud800", "lone \\uD800"),
        Arguments.of("tag \udb40\udc01", "tag \\uDB40\\uDC01"));
  }

  @ParameterizedTest
  @MethodSource("escapes")
  void escapeShowsWhatAReaderCouldNotSee(String text, String shown) {
    assertThat(Identifiers.escape(text)).isEqualTo(shown);
  }

  @Test
  void checksTaskIdsUnderTheArgumentName() {
    assertThat(Identifiers.checkTaskId("report-1")).isEqualTo("report-1");
    assertThat(Identifiers.isValidTaskId("a\u0000")).isFalse();
    assertThatThrownBy(() -> Identifiers.checkTaskId("a\u0000"))
        .hasMessageStartingWith(
            "Invalid task id: \"a\\u0000\" has a control character U+0000 at index 1;");
  }
}
