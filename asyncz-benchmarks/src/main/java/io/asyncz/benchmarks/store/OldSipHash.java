package io.asyncz.benchmarks.store;

import java.security.SecureRandom;

/**
 * The baseline {@link OldMemoryStore}'s copy of {@code io.asyncz.store.SipHash} (package-private
 * there). SipHash-2-4 of a string's UTF-16LE bytes under a secret 128-bit key: a hash that whoever
 * chooses the strings cannot make collide without the key, unlike {@link String#hashCode}. This is
 * what Python, Ruby and Rust hash their table keys with for the same reason.
 */
final class OldSipHash {
  private final long k0;
  private final long k1;

  OldSipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** A hash under a new random key, which no one outside this process can know. */
  static OldSipHash randomKey() {
    return new OldSipHash(Keys.RANDOM.nextLong(), Keys.RANDOM.nextLong());
  }

  /** The 64-bit SipHash-2-4 of {@code s} as UTF-16LE bytes, folded to 32 bits. */
  int hash(String s) {
    long h = hash64(s);
    return (int) (h ^ (h >>> 32));
  }

  /** The 64-bit SipHash-2-4 of {@code s} as UTF-16LE bytes. */
  long hash64(String s) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int n = s.length();
    int words = n / 4 + 1;
    // Each word is 4 chars, little-endian as their UTF-16LE bytes; the last one holds the 0 to 3
    // chars left and the byte length. After it, the finalization: v2 ^= 0xff and 4 rounds.
    for (int w = 0; w <= words; w++) {
      long m = 0;
      int rounds = 2;
      if (w < words - 1) {
        int i = 4 * w;
        m =
            s.charAt(i)
                | (long) s.charAt(i + 1) << 16
                | (long) s.charAt(i + 2) << 32
                | (long) s.charAt(i + 3) << 48;
        v3 ^= m;
      } else if (w == words - 1) {
        m = (long) (2 * n & 0xff) << 56;
        for (int i = 4 * w; i < n; i++) {
          m |= (long) s.charAt(i) << (16 * (i - 4 * w));
        }
        v3 ^= m;
      } else {
        v2 ^= 0xff;
        rounds = 4;
      }
      for (int r = 0; r < rounds; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
      v0 ^= m;
    }
    return v0 ^ v1 ^ v2 ^ v3;
  }

  /** Created on first use, so a store that never needs a key never seeds a SecureRandom. */
  private static final class Keys {
    static final SecureRandom RANDOM = new SecureRandom();
  }
}
