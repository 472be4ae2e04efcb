/**
 * Tasks: the function to run, its trigger and options, snapshots for listings, and the {@link
 * io.asyncz.task.ScheduledTask} annotation that declares a task on a method.
 */
package io.asyncz.task;
