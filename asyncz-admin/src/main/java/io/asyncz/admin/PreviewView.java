package io.asyncz.admin;

import java.time.Instant;
import java.util.List;

/**
 * The coming run times of a task, or of a spec not created yet.
 *
 * @param runTimes the run times, oldest first
 * @param exhausted whether the schedule ends with these
 * @param timezone the scheduler's zone, in which wall-clock fields are read
 */
public record PreviewView(List<Instant> runTimes, boolean exhausted, String timezone) {}
