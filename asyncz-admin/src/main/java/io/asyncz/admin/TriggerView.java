package io.asyncz.admin;

import java.util.Map;

/**
 * A task's trigger as operators see it.
 *
 * @param type the trigger's alias: {@code cron}, {@code interval}, {@code date}, ...
 * @param description the trigger's text, e.g. {@code cron[hour='5']}
 * @param options the trigger's stored fields, as plain JSON values
 */
public record TriggerView(String type, String description, Map<String, Object> options) {}
