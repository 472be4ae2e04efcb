package io.asyncz.admin;

import java.time.Instant;
import java.util.Map;

/**
 * A scheduler event as operators see it.
 *
 * @param seq its number in this process, increasing
 * @param event the event's name, e.g. {@code TASK_EXECUTED}
 * @param code the event's code
 * @param at when it was seen
 * @param taskId the task concerned, or {@code null}
 * @param store the store or executor concerned, or {@code null}
 * @param detail the event's other fields as plain JSON values
 */
public record EventView(
    long seq,
    String event,
    int code,
    Instant at,
    String taskId,
    String store,
    Map<String, Object> detail) {}
