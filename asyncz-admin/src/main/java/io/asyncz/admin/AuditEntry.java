package io.asyncz.admin;

import java.time.Instant;

/**
 * One state-changing action, as the audit log keeps it.
 *
 * @param at when it was made
 * @param user who made it
 * @param action what: {@code create}, {@code update}, {@code run}, {@code pause}, {@code resume},
 *     {@code remove}, {@code restore}, {@code discard}, {@code login}, ...
 * @param target what it was made on: a task id, or {@code store/task_id} for the quarantine
 * @param before the target before ({@link TaskView} or {@code null})
 * @param after the target after ({@link TaskView} or {@code null})
 * @param outcome {@code ok}, or {@code failed} with the reason in {@code error}
 * @param error why it failed, or {@code null}
 */
public record AuditEntry(
    Instant at,
    String user,
    String action,
    String target,
    Object before,
    Object after,
    String outcome,
    String error) {}
