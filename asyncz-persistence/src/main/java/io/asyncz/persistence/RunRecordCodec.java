package io.asyncz.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A run record as stores keep it: a versioned JSON document in UTF-8, {@code
 * {"format":"asyncz.run","version":1,"run_id":...,"task_id":...,"task_name":...,"store":...,
 * "executor":...,"status":"succeeded","source":"scheduled","attempt":1,"scheduled_at":ISO,
 * "started_at":ISO,"ended_at":ISO or null,"node":...,"result":...,"error_type":...,
 * "error_message":...,"stack_trace":...,"log":...}}: plain data, no Java serialization.
 */
public final class RunRecordCodec {
  /** The value of the document's {@code format} field. */
  public static final String FORMAT = "asyncz.run";

  /** The newest format version this code writes and reads. */
  public static final int VERSION = 1;

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private RunRecordCodec() {}

  /** The record as a JSON document. */
  public static byte[] encode(RunRecord r) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("format", FORMAT);
    doc.put("version", VERSION);
    doc.put("run_id", r.runId());
    doc.put("task_id", r.taskId());
    doc.put("task_name", r.taskName());
    doc.put("store", r.store());
    doc.put("executor", r.executor());
    doc.put("status", r.status().label());
    doc.put("source", r.source());
    doc.put("attempt", r.attempt());
    doc.put("scheduled_at", text(r.scheduledAt()));
    doc.put("started_at", text(r.startedAt()));
    doc.put("ended_at", text(r.endedAt()));
    doc.put("node", r.node());
    doc.put("result", r.result());
    doc.put("error_type", r.errorType());
    doc.put("error_message", r.errorMessage());
    doc.put("stack_trace", r.stackTrace());
    doc.put("log", r.log());
    try {
      return MAPPER.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a document {@link #encode} wrote.
   *
   * @throws IllegalArgumentException when the bytes are not such a document (the message says why)
   */
  public static RunRecord decode(byte[] bytes) {
    JsonNode doc;
    try {
      doc = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (doc == null || !doc.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!FORMAT.equals(doc.path("format").asText(null))) {
      throw new IllegalArgumentException("format is not " + FORMAT);
    }
    if (doc.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException(
          "version "
              + doc.path("version")
              + " is not "
              + VERSION
              + " (written by a newer Asyncz?)");
    }
    try {
      return new RunRecord(
          string(doc, "run_id"),
          string(doc, "task_id"),
          string(doc, "task_name"),
          string(doc, "store"),
          string(doc, "executor"),
          RunStatus.parse(string(doc, "status")),
          string(doc, "source"),
          doc.path("attempt").asInt(1),
          instant(doc, "scheduled_at"),
          instant(doc, "started_at"),
          instant(doc, "ended_at"),
          string(doc, "node"),
          string(doc, "result"),
          string(doc, "error_type"),
          string(doc, "error_message"),
          string(doc, "stack_trace"),
          string(doc, "log"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable run record: " + e.getMessage(), e);
    }
  }

  private static String text(Instant time) {
    return time == null ? null : time.toString();
  }

  private static String string(JsonNode doc, String field) {
    JsonNode node = doc.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(field + " is not a string");
    }
    return node.textValue();
  }

  private static Instant instant(JsonNode doc, String field) {
    String text = string(doc, field);
    return text == null ? null : Instant.parse(text);
  }
}
