/**
 * Configuration: {@link io.asyncz.config.SchedulerConfig} reads the seed's {@code asyncz.*} keys
 * from a map or properties into a scheduler's settings, creating executors and stores by plugin
 * alias.
 */
package io.asyncz.config;
