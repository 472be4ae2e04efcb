package io.asyncz.scheduler;

import io.asyncz.task.TaskScheduleState;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a scheduler for operators: state, start time, zone, stores, executors and task
 * counts by schedule state.
 *
 * @param state running, paused or stopped
 * @param startedAt when the scheduler last started, or {@code null} if it never did
 * @param timezone the scheduler's zone
 * @param stores the store aliases
 * @param executors the executor aliases
 * @param taskCounts the number of tasks in each schedule state
 */
public record SchedulerInfo(
    SchedulerState state,
    Instant startedAt,
    ZoneId timezone,
    List<String> stores,
    List<String> executors,
    Map<TaskScheduleState, Integer> taskCounts) {}
