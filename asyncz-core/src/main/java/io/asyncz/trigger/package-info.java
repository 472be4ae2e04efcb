/**
 * Triggers decide when a task fires: {@link io.asyncz.trigger.DateTrigger}, {@link
 * io.asyncz.trigger.IntervalTrigger}, {@link io.asyncz.trigger.CronTrigger}, {@link
 * io.asyncz.trigger.AndTrigger}, {@link io.asyncz.trigger.OrTrigger} and {@link
 * io.asyncz.trigger.ShutdownTrigger}, created directly or by alias through {@link
 * io.asyncz.trigger.Triggers}.
 */
package io.asyncz.trigger;
