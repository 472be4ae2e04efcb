package io.asyncz.task;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a task for listings, the CLI and the dashboard (the seed's TaskInfo).
 *
 * @param id the task's id
 * @param name the task's name
 * @param callableName a display name of the function
 * @param callableReference the function's textual reference, if it has one
 * @param triggerAlias the trigger's alias, e.g. {@code cron}
 * @param triggerName the trigger's class name, e.g. {@code CronTrigger}
 * @param triggerDescription the trigger's text, e.g. {@code cron[hour='5']}
 * @param executor the executor alias
 * @param storeAlias the store alias
 * @param scheduleState pending, paused or scheduled
 * @param nextRunTime the next run time, or {@code null} when paused
 * @param coalesce whether missed runs collapse into one
 * @param maxInstances how many runs may overlap
 * @param mistriggerGraceTime how late a run may start, or {@code null} for no limit
 * @param pending whether the task waits for the scheduler to start
 * @param paused whether the task is paused
 * @param submitted whether the task has been handed to a scheduler
 * @param args the positional arguments the function is called with
 * @param kwargs the keyword arguments the function is called with
 */
public record TaskInfo(
    String id,
    String name,
    String callableName,
    String callableReference,
    String triggerAlias,
    String triggerName,
    String triggerDescription,
    String executor,
    String storeAlias,
    TaskScheduleState scheduleState,
    Instant nextRunTime,
    boolean coalesce,
    int maxInstances,
    Duration mistriggerGraceTime,
    boolean pending,
    boolean paused,
    boolean submitted,
    List<Object> args,
    Map<String, Object> kwargs) {}
