package io.asyncz.admin;

/**
 * One field an update changes.
 *
 * @param field the field's name in the task JSON, e.g. {@code trigger}
 * @param before its value before, as text for a trigger
 * @param after its value after
 */
public record FieldChange(String field, Object before, Object after) {}
