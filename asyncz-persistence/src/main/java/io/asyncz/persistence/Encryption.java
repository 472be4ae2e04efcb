package io.asyncz.persistence;

import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption of stored task records at rest: AES-256-GCM from the JDK, the key being the SHA-256 of
 * a secret string, a random 96-bit nonce per record and the task id as associated data, so that a
 * ciphertext moved to another task's row does not decrypt.
 *
 * <p>An encrypted record is {@code 00 'A' 'Z' 'E'}, a format version byte ({@code 1}), a 4-byte key
 * id (from the SHA-256 of the key, so the right key is picked and a missing one is named), the
 * 12-byte nonce, then the ciphertext and its 16-byte tag. A plain JSON document starts with an
 * opening brace, so the two are told apart by their first byte.
 *
 * <p>Records are written with the current key; old keys, listed in code, still decrypt records
 * written before a rotation. Instances are immutable and safe for concurrent use.
 */
public final class Encryption {
  /** The environment variable that holds the secret, the seed's. */
  public static final String KEY_VARIABLE = "ASYNCZ_STORE_ENCRYPTION_KEY";

  /** The first bytes of every encrypted record. */
  private static final byte[] MAGIC = {0, 'A', 'Z', 'E'};

  private static final byte RECORD_VERSION = 1;
  private static final int KEY_ID_BYTES = 4;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER = MAGIC.length + 1 + KEY_ID_BYTES + NONCE_BYTES;

  private final Key current;
  private final List<Key> keys; // current first, then the old keys
  private final SecureRandom random = new SecureRandom();

  private record Key(SecretKeySpec spec, byte[] id) {}

  private Encryption(String secret, List<String> oldSecrets) {
    this.current = key(secret, "encryption key");
    List<Key> all = new ArrayList<>();
    all.add(current);
    for (String old : oldSecrets) {
      all.add(key(old, "old encryption key"));
    }
    this.keys = List.copyOf(all);
  }

  /**
   * Encryption with {@code secret}; records written with any of {@code oldSecrets} still decrypt.
   *
   * @throws InvalidInputException when a secret is blank
   */
  public static Encryption withKey(String secret, String... oldSecrets) {
    return new Encryption(secret, Arrays.asList(oldSecrets));
  }

  /**
   * Encryption with {@code secret}; records written with any of {@code oldSecrets} still decrypt.
   *
   * @throws InvalidInputException when a secret is blank
   */
  public static Encryption withKeys(String secret, List<String> oldSecrets) {
    return new Encryption(secret, List.copyOf(oldSecrets));
  }

  /**
   * Encryption with the secret in {@value #KEY_VARIABLE}, if that variable is set and not blank.
   *
   * @param oldSecrets old keys that still decrypt records written before a rotation
   */
  public static Optional<Encryption> fromEnvironment(List<String> oldSecrets) {
    return fromEnvironment(System.getenv(), oldSecrets);
  }

  /** As {@link #fromEnvironment(List)}, reading {@code environment} instead of the process's. */
  public static Optional<Encryption> fromEnvironment(
      Map<String, String> environment, List<String> oldSecrets) {
    String secret = environment.get(KEY_VARIABLE);
    if (secret == null || secret.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(withKeys(secret, oldSecrets));
  }

  /** Whether {@code record} is in the encrypted record format (rather than plain JSON). */
  public static boolean isEncrypted(byte[] record) {
    if (record.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (record[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Encrypts the stored form of task {@code taskId} with the current key. */
  public byte[] encrypt(String taskId, byte[] plain) {
    Objects.requireNonNull(taskId, "taskId");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, current.spec(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(taskId.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return ByteBuffer.allocate(HEADER + sealed.length)
          .put(MAGIC)
          .put(RECORD_VERSION)
          .put(current.id())
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
    }
  }

  /**
   * Decrypts a record written by {@link #encrypt} for task {@code taskId}, with whichever
   * configured key wrote it.
   *
   * @throws CorruptTaskRecordException ({@link Reason#UNDECRYPTABLE}) when the record is not
   *     encrypted, was written with a key that is not configured, was altered, or belongs to
   *     another task id
   */
  public byte[] decrypt(String taskId, byte[] record) {
    Objects.requireNonNull(taskId, "taskId");
    if (!isEncrypted(record)) {
      throw undecryptable(taskId, "the record is not in the encrypted format", null);
    }
    if (record.length < HEADER + TAG_BITS / 8) {
      throw undecryptable(taskId, "the record is truncated (" + record.length + " bytes)", null);
    }
    if (record[MAGIC.length] != RECORD_VERSION) {
      throw undecryptable(
          taskId,
          "encrypted record version "
              + record[MAGIC.length]
              + " is not supported (expected "
              + RECORD_VERSION
              + "); upgrade Asyncz to read it",
          null);
    }
    byte[] keyId = Arrays.copyOfRange(record, MAGIC.length + 1, MAGIC.length + 1 + KEY_ID_BYTES);
    Key key = null;
    for (Key k : keys) {
      if (Arrays.equals(k.id(), keyId)) {
        key = k;
        break;
      }
    }
    if (key == null) {
      throw undecryptable(
          taskId,
          "it was encrypted with a key that is not configured (key id "
              + HexFormat.of().formatHex(keyId)
              + "); list that key among the old keys to read it",
          null);
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.spec(),
          new GCMParameterSpec(TAG_BITS, record, HEADER - NONCE_BYTES, NONCE_BYTES));
      cipher.updateAAD(taskId.getBytes(StandardCharsets.UTF_8));
      return cipher.doFinal(record, HEADER, record.length - HEADER);
    } catch (AEADBadTagException e) {
      throw undecryptable(
          taskId,
          "authentication failed: the record was altered, or it belongs to another task id",
          e);
    } catch (GeneralSecurityException e) {
      throw undecryptable(taskId, "decryption failed: " + e.getMessage(), e);
    }
  }

  /**
   * The plain form of a stored record: decrypted if it is encrypted, else as it is (records written
   * before encryption was turned on stay readable).
   */
  public byte[] open(String taskId, byte[] record) {
    return isEncrypted(record) ? decrypt(taskId, record) : record;
  }

  @Override
  public String toString() {
    // Never the secret; the key id is what the records carry anyway.
    return "Encryption[AES-256-GCM, key "
        + HexFormat.of().formatHex(current.id())
        + ", "
        + (keys.size() - 1)
        + " old keys]";
  }

  private static CorruptTaskRecordException undecryptable(
      String taskId, String detail, Throwable cause) {
    return new CorruptTaskRecordException(taskId, Reason.UNDECRYPTABLE, detail, cause);
  }

  private static Key key(String secret, String what) {
    if (secret == null || secret.isBlank()) {
      // Never quote a secret, even a bad one.
      throw new InvalidInputException(what, "<hidden>", "is blank; expected a secret string");
    }
    byte[] material = sha256(secret.getBytes(StandardCharsets.UTF_8));
    byte[] label = "asyncz key id".getBytes(StandardCharsets.UTF_8);
    byte[] idSource =
        ByteBuffer.allocate(label.length + material.length).put(label).put(material).array();
    byte[] id = Arrays.copyOf(sha256(idSource), KEY_ID_BYTES);
    return new Key(new SecretKeySpec(material, "AES"), id);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
