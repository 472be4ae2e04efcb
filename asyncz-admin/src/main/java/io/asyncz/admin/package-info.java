/**
 * The operations layer: the operator actions over a {@link io.asyncz.scheduler.Scheduler} (list,
 * search, inspect, preview, timeline, create from a spec, update with a diff and a dry run, run,
 * pause, resume, remove, bulk actions, run history, events, audit, quarantine, instances, doctor),
 * built once as plain Java for every surface: the command line, the remote JSON API, the dashboard
 * and the actuator endpoint. {@link io.asyncz.admin.SchedulerOperations} runs them in-process;
 * {@link io.asyncz.admin.HttpOperations} runs them against a remote API.
 */
package io.asyncz.admin;
