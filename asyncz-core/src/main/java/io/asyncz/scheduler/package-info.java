/**
 * The scheduler: {@link io.asyncz.scheduler.Scheduler} and its two flavours, one on a thread of its
 * own and one on a caller's executor service.
 */
package io.asyncz.scheduler;
