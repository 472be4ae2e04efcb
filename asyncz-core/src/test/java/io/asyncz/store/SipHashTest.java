package io.asyncz.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipHashTest {
  /** Key 00 01 .. 0f, as the reference implementation's test vectors use. */
  private static final SipHash REFERENCE_KEY =
      new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);

  /**
   * The reference SipHash-2-4 vectors for the messages 00 01 02 .. of an even byte length, given
   * here as the chars whose UTF-16LE bytes they are (00 01 is the char U+0100).
   */
  @ParameterizedTest(name = "{0} bytes")
  @CsvSource({
    "0, 726fdb47dd0e0e31",
    "2, 0d6c8009d9a94f5a",
    "4, cf2794e0277187b7",
    "8, 93f5f5799a932462",
    "10, 7a5dbbc594ddb9f3",
    "16, 3f2acc7f57c29bdb"
  })
  void givesTheReferenceVectors(int bytes, String expected) {
    StringBuilder message = new StringBuilder();
    for (int i = 0; i < bytes; i += 2) {
      message.append((char) ((i + 1) << 8 | i));
    }
    assertThat(REFERENCE_KEY.hash64(message.toString()))
        .isEqualTo(Long.parseUnsignedLong(expected, 16));
  }
}
