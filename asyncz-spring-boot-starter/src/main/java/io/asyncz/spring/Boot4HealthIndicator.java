package io.asyncz.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The scheduler's health on Spring Boot 4 ({@code org.springframework.boot.health.contributor}).
 */
final class Boot4HealthIndicator implements HealthIndicator {
  private final AsynczHealth health;

  Boot4HealthIndicator(AsynczHealth health) {
    this.health = health;
  }

  @Override
  public Health health() {
    AsynczHealth.Check check = health.check();
    return Health.status(check.status()).withDetails(check.details()).build();
  }
}
