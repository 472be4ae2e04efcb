/**
 * Spring Boot auto-configuration for Asyncz, on Boot 3.5 and 4: the scheduler from {@code asyncz.*}
 * properties, started and stopped with the application context, {@link
 * io.asyncz.task.ScheduledTask} methods of beans, bean references, the application's {@code
 * DataSource} for a JDBC store, and an actuator endpoint and health indicator.
 */
package io.asyncz.spring;
