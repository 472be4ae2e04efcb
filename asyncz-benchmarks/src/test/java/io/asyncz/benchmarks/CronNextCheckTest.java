package io.asyncz.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.benchmarks.CronCase.Impl;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The benchmark compares like with like: all four implementations give the same fire times. */
class CronNextCheckTest {
  @ParameterizedTest
  @EnumSource(CronCase.class)
  void peersAgreeWithOursExceptOnTheKnownDstDay(CronCase c) {
    Map<Impl, List<Instant>> walks = CronNextCheck.check(c);
    assertThat(walks.get(Impl.OURS)).hasSize(CronNextCheck.STEPS);
    for (Impl impl : Impl.values()) {
      assertThat(walks.get(impl)).as(impl.name()).hasSize(CronNextCheck.STEPS);
    }
  }

  @Test
  void onlyWeFireTheSpringForwardDay() {
    Map<Impl, List<Instant>> walks = CronNextCheck.check(CronCase.DST_NEW_YORK_0230);
    assertThat(walks.get(Impl.OURS).get(0)).isEqualTo(CronNextCheck.OURS_ONLY_DST);
    for (Impl impl : List.of(Impl.SPRING, Impl.QUARTZ, Impl.CRON_UTILS)) {
      assertThat(walks.get(impl)).as(impl.name()).doesNotContain(CronNextCheck.OURS_ONLY_DST);
      assertThat(walks.get(impl).get(0)).isEqualTo(Instant.parse("2026-03-09T06:30:00Z"));
    }
  }
}
