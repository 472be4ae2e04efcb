package io.asyncz.admin;

import java.util.List;

/**
 * One page of runs, newest first.
 *
 * @param runs the runs
 * @param next the cursor of the next page, or {@code null} on the last
 */
public record RunList(List<RunView> runs, String next) {}
