package io.asyncz.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format between the parent and a worker: each frame is a 4-byte big-endian length
 * followed by that many bytes of UTF-8 JSON, an object whose {@code type} says what it is. The
 * first frame each way carries {@link #PROTOCOL}, so that a parent and a worker of different
 * versions refuse each other instead of misreading frames.
 */
final class Frames {
  /** The protocol version; a frame stream of another version is refused at the hello. */
  static final int PROTOCOL = 1;

  /** The largest frame either side accepts, so a corrupt length cannot exhaust the heap. */
  static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** The environment variable through which the parent gives a worker its token. */
  static final String TOKEN_VARIABLE = "ASYNCZ_WORKER_TOKEN";

  /** The environment variable through which the parent gives a worker its id. */
  static final String WORKER_ID_VARIABLE = "ASYNCZ_WORKER_ID";

  /** The deepest nesting of lists and maps that crosses the process boundary. */
  static final int MAX_DEPTH = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Frames() {}

  /** Writes one frame and flushes it. */
  static void write(DataOutputStream out, Map<String, ?> frame) throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(frame);
    } catch (JsonProcessingException e) {
      throw new IOException("frame could not be written as JSON: " + e.getOriginalMessage(), e);
    }
    synchronized (out) {
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }
  }

  /**
   * Reads one frame.
   *
   * @throws EOFException when the stream ended before a frame, as when the other side exited
   * @throws IOException when the frame is too long or not a JSON object with a type
   */
  static Map<String, Object> read(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 2 || length > MAX_FRAME_BYTES) {
      throw new IOException(
          "frame length "
              + length
              + " is outside 2.."
              + MAX_FRAME_BYTES
              + "; the stream is corrupt");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    Object value = JSON.readValue(bytes, Object.class);
    if (!(value instanceof Map<?, ?> map) || !(map.get("type") instanceof String)) {
      throw new IOException("frame is not a JSON object with a type");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> frame = (Map<String, Object>) map;
    return frame;
  }

  /**
   * A copy of {@code value} made only of JSON values (null, booleans, numbers, strings, lists and
   * maps with string keys); {@code java.time} values become their ISO text, as the task state codec
   * writes them.
   *
   * @param path where the value is, for the message, e.g. {@code args[0]}
   * @throws IllegalArgumentException naming the path when a value is not JSON-representable
   */
  static Object toJson(Object value, String path) {
    return toJson(value, path, 0);
  }

  private static Object toJson(Object value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          path + " nests lists or maps more than " + MAX_DEPTH + " levels deep");
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      if (!Double.isFinite(((Number) value).doubleValue())) {
        throw new IllegalArgumentException(
            path + " is " + value + ", which JSON cannot carry (no NaN or infinity)");
      }
      return value;
    }
    if (value instanceof Character || value instanceof Enum<?>) {
      return value.toString();
    }
    if (value instanceof TemporalAccessor || value instanceof Duration) {
      return value.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              path + " has a key that is not a string: " + describe(e.getKey()));
        }
        copy.put(key, toJson(e.getValue(), path + "[\"" + key + "\"]", depth + 1));
      }
      return copy;
    }
    if (value instanceof Iterable<?> items) {
      List<Object> copy = new ArrayList<>();
      int i = 0;
      for (Object item : items) {
        copy.add(toJson(item, path + "[" + i++ + "]", depth + 1));
      }
      return copy;
    }
    throw new IllegalArgumentException(
        path
            + " is "
            + describe(value)
            + ", which is not a JSON value; expected null, a boolean, a number, a string, a list,"
            + " a map with string keys, or a java.time value");
  }

  static String describe(Object value) {
    return value == null ? "null" : value + " (" + value.getClass().getName() + ")";
  }
}
