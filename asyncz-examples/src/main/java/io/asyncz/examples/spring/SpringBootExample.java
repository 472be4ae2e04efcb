package io.asyncz.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with the Asyncz starter: the scheduler is configured by the {@code
 * asyncz} section of {@code application.yml}, the {@link ReportJobs} bean's {@code @ScheduledTask}
 * methods become tasks, and the scheduler stops with the application, waiting for running tasks.
 */
@SpringBootApplication
public class SpringBootExample {

  /** Runs the application until it is stopped (Ctrl-C). */
  public static void main(String[] args) {
    SpringApplication.run(SpringBootExample.class, args);
  }
}
