package io.asyncz.admin;

import java.util.List;

/**
 * What an update did, or would do on a dry run.
 *
 * @param before the task before
 * @param after the task after (on a dry run: as it would be)
 * @param diff the fields that differ
 * @param applied whether the change was made ({@code false} on a dry run)
 */
public record UpdateResult(
    TaskView before, TaskView after, List<FieldChange> diff, boolean applied) {}
