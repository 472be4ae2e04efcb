package io.asyncz.task;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a task, the seed's decorator mode ({@code @scheduler.add_task(...)}). {@code
 * scheduler.register(bean)} adds a task for every annotated method of the bean's class and its
 * superclasses, bound to the bean; {@code scheduler.register(Jobs.class)} adds the annotated static
 * methods. The attributes are {@code add_task}'s options.
 *
 * <pre>{@code
 * class Reports {
 *   @ScheduledTask(cron = "0 3 * * *", id = "nightly-report")
 *   void nightly() { ... }
 *
 *   @ScheduledTask(trigger = "interval", options = {"minutes=10", "jitter=5"}, maxInstances = 2)
 *   CompletionStage<Void> refresh() { ... }
 *
 *   @ScheduledTask(trigger = "cron", options = {"day_of_week=mon-fri", "hour=9", "minute=30"})
 *   @ScheduledTask(trigger = "cron", options = {"day_of_week=sat", "hour=11"})
 *   void digest() { ... }
 * }
 *
 * List<Task> added = scheduler.register(new Reports());
 * }</pre>
 *
 * <p>An annotated method takes no parameters; what it returns becomes the run's return value, and a
 * {@link java.util.concurrent.CompletionStage} is awaited. It may be private. Every annotation of a
 * registration is checked before any task is added, and an error names the method: parameters, an
 * unknown trigger alias, a bad trigger option, a malformed attribute, an id used twice or already
 * taken.
 *
 * <p>The function is also put in the scheduler's {@link TaskRegistry} under {@code
 * com.example.Reports::nightly}, and the task refers to it by that name, so a store that keeps
 * tasks by reference finds it again when the same bean is registered after a restart.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(ScheduledTask.List.class)
public @interface ScheduledTask {

  /**
   * The trigger alias: {@code date}, {@code interval}, {@code cron}, {@code shutdown}, or one that
   * a {@link io.asyncz.trigger.TriggerFactory} adds. Empty (the default) means {@code cron} when
   * {@link #cron()} is set, else {@code date}, which runs once, at once, as in the seed.
   */
  String trigger() default "";

  /**
   * The trigger's options as {@code "name=value"}, e.g. {@code {"hour=3", "minute=0,30",
   * "timezone=Europe/Paris"}}; the names are the trigger's (the seed's keyword arguments). A value
   * may contain {@code =}; only the first one separates. Values are text, which every trigger
   * option reads; the {@code and}/{@code or} triggers, whose option is a list of triggers, cannot
   * be written this way: build them in code.
   */
  String[] options() default {};

  /**
   * A standard crontab line ({@code "0 3 * * *"}, six fields with seconds, {@code @daily}), a
   * shortcut for {@code trigger = "cron", options = "crontab=..."}; other cron options such as
   * {@code timezone} or {@code jitter} may be given in {@link #options()}.
   */
  String cron() default "";

  /**
   * The task's id. Empty (the default) gives {@code com.example.Reports::nightly}, with {@code #1},
   * {@code #2}... appended when the method carries several annotations.
   */
  String id() default "";

  /** The task's name; empty (the default) gives the method's reference, as the id. */
  String name() default "";

  /**
   * The executor alias. Any alias but {@code default} must have been added to the scheduler before
   * registration.
   */
  String executor() default "default";

  /**
   * The store alias. Any alias but {@code default} must have been added to the scheduler before
   * registration.
   */
  String store() default "default";

  /** Whether several due runs collapse into one; {@code DEFAULT} takes the task defaults'. */
  Toggle coalesce() default Toggle.DEFAULT;

  /** How many runs may overlap; 0 (the default) takes the task defaults'. */
  int maxInstances() default 0;

  /**
   * How late a run may start: seconds ({@code "30"}, {@code "0.5"}) or an ISO-8601 duration ({@code
   * "PT30S"}), or {@code "none"} for no limit. Empty (the default) takes the task defaults' (no
   * limit for a {@code date} trigger, as in the seed).
   */
  String mistriggerGraceTime() default "";

  /** Whether to add the task paused (the seed's {@code next_run_time=None}). */
  boolean paused() default false;

  /**
   * Whether to replace a task with the same id instead of failing. Set it when the task lives in a
   * persistent store and the bean is registered at every start.
   */
  boolean replaceExisting() default false;

  /** A yes/no attribute that may also be left to the defaults. */
  enum Toggle {
    /** Take the value from the scheduler's task defaults. */
    DEFAULT,
    /** Yes. */
    TRUE,
    /** No. */
    FALSE
  }

  /** Holds several {@link ScheduledTask}s on one method. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface List {
    /** The annotations. */
    ScheduledTask[] value();
  }
}
