package io.asyncz.admin;

import java.time.Instant;

/**
 * A quarantined record, without its bytes (which may be encrypted or hold arguments).
 *
 * @param store the store's alias
 * @param taskId the id it was stored under
 * @param reason why it was set aside, e.g. {@code UNDECRYPTABLE}
 * @param detail the failure's message
 * @param quarantinedAt when
 * @param size the record's size in bytes
 */
public record QuarantineEntry(
    String store, String taskId, String reason, String detail, Instant quarantinedAt, int size) {}
