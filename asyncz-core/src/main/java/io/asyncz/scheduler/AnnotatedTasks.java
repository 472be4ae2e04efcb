package io.asyncz.scheduler;

import io.asyncz.Identifiers;
import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import io.asyncz.trigger.Trigger;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns {@link ScheduledTask} annotations into tasks (the seed's decorator mode): every annotation
 * of a registration is checked first, then the tasks are added.
 */
final class AnnotatedTasks {
  private AnnotatedTasks() {}

  /** A checked annotation, ready to become a task. */
  private record Plan(
      String where,
      MethodFunction function,
      String id,
      ScheduledTask annotation,
      Trigger trigger,
      Duration grace,
      boolean graceSet) {}

  static List<Task> register(Scheduler scheduler, Object bean, Class<?> type) {
    List<Plan> plans = new ArrayList<>();
    Map<String, String> ids = new LinkedHashMap<>();
    for (Method method : annotatedMethods(type)) {
      boolean isStatic = Modifier.isStatic(method.getModifiers());
      String where = where(method);
      if (!isStatic && bean == null) {
        throw new InvalidInputException(
            "@ScheduledTask on " + where,
            type.getName(),
            "is on an instance method but a class was registered; register an instance with"
                + " register(Object), or make the method static");
      }
      if (method.getParameterCount() > 0) {
        throw new InvalidInputException(
            "@ScheduledTask on " + where,
            Arrays.toString(method.getParameterTypes()),
            "are parameters; an annotated method takes none (use scheduler.task(...).args(...) to"
                + " pass arguments)");
      }
      if (!method.trySetAccessible()) {
        throw new InvalidInputException(
            "@ScheduledTask on " + where,
            method.getDeclaringClass().getName(),
            "is not accessible; make the method public or open its package to io.asyncz.core");
      }
      MethodFunction function =
          new MethodFunction(method, isStatic ? null : bean, reference(method));
      checkRegistry(scheduler.registry(), function, where);
      ScheduledTask[] annotations = method.getAnnotationsByType(ScheduledTask.class);
      for (int i = 0; i < annotations.length; i++) {
        ScheduledTask a = annotations[i];
        String id =
            a.id().isBlank()
                ? function.name + (annotations.length > 1 ? "#" + (i + 1) : "")
                : a.id().strip();
        String other = ids.putIfAbsent(id, where);
        if (other != null) {
          throw new InvalidInputException(
              "@ScheduledTask on " + where,
              id,
              "is an id that "
                  + other
                  + " uses too; give each annotation its own id (attribute id)");
        }
        plans.add(plan(scheduler, where, function, id, a));
      }
    }
    List<Task> added = new ArrayList<>(plans.size());
    for (Plan plan : plans) {
      added.add(add(scheduler, plan));
    }
    return added;
  }

  /** The annotated methods of a class and its superclasses, the overriding ones only. */
  private static List<Method> annotatedMethods(Class<?> type) {
    List<Method> methods = new ArrayList<>();
    Set<String> overridable = new HashSet<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      Method[] declared = c.getDeclaredMethods();
      // getDeclaredMethods has no defined order; registration order should not vary by JVM.
      Arrays.sort(
          declared, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
      for (Method m : declared) {
        if (m.isSynthetic() || m.isBridge()) {
          continue;
        }
        int mod = m.getModifiers();
        boolean inheritable = !Modifier.isStatic(mod) && !Modifier.isPrivate(mod);
        String signature = m.getName() + Arrays.toString(m.getParameterTypes());
        // A subclass's override governs: Java does not inherit method annotations, and a call to
        // the superclass method would run the override anyway.
        if (inheritable && !overridable.add(signature)) {
          continue;
        }
        if (m.getAnnotationsByType(ScheduledTask.class).length > 0) {
          methods.add(m);
        }
      }
    }
    return methods;
  }

  private static void checkRegistry(TaskRegistry registry, MethodFunction function, String where) {
    TaskFunction registered = registry.registered().get(function.name);
    if (registered != null && !registered.equals(function)) {
      throw new InvalidInputException(
          "@ScheduledTask on " + where,
          function.name,
          "is registered to another function"
              + (function.target != null ? " (another instance of the class?)" : "")
              + "; a scheduler runs the annotated methods of one instance per class");
    }
  }

  private static Plan plan(
      Scheduler scheduler, String where, MethodFunction function, String id, ScheduledTask a) {
    String argument = "@ScheduledTask on " + where;
    // Every id and alias is checked while planning, so that one bad annotation adds nothing.
    Identifiers.checkTaskId(argument + ", id", id);
    String cron = a.cron().strip();
    String alias = a.trigger().strip();
    if (alias.isEmpty()) {
      alias = cron.isEmpty() ? "date" : "cron";
    } else if (!cron.isEmpty() && !alias.equals("cron")) {
      throw new InvalidInputException(
          argument, alias, "is the trigger, but cron is set too; cron is for the cron trigger");
    }
    Map<String, Object> options = new LinkedHashMap<>();
    for (String option : a.options()) {
      int eq = option.indexOf('=');
      String name = eq < 0 ? "" : option.substring(0, eq).strip();
      if (name.isEmpty()) {
        throw new InvalidInputException(
            argument, option, "is not a trigger option; expected \"name=value\", e.g. \"hour=3\"");
      }
      if (options.put(name, option.substring(eq + 1).strip()) != null) {
        throw new InvalidInputException(argument, option, "sets option " + name + " twice");
      }
    }
    if (!cron.isEmpty() && options.put("crontab", cron) != null) {
      throw new InvalidInputException(
          argument, cron, "is set both as cron and as the crontab option; give it once");
    }
    Trigger trigger;
    try {
      trigger = scheduler.trigger(alias, options);
    } catch (InvalidInputException e) {
      InvalidInputException wrapped =
          new InvalidInputException(
              argument,
              alias + (options.isEmpty() ? "" : " " + options),
              "is refused: " + e.getMessage());
      wrapped.initCause(e);
      throw wrapped;
    }
    if (a.maxInstances() < 0) {
      throw new InvalidInputException(
          argument + ", maxInstances",
          a.maxInstances(),
          "is negative; expected 1 or more, or 0 for the task defaults");
    }
    checkAlias(argument + ", executor", a.executor(), () -> scheduler.lookupExecutor(a.executor()));
    checkAlias(argument + ", store", a.store(), () -> scheduler.lookupStore(a.store()));
    if (!a.replaceExisting() && scheduler.getTask(id).isPresent()) {
      throw new InvalidInputException(
          argument,
          id,
          "is the id of a task the scheduler already has; give another id, or set"
              + " replaceExisting = true");
    }
    String graceText = a.mistriggerGraceTime().strip();
    Duration grace = null;
    boolean graceSet = !graceText.isEmpty();
    if (graceSet && !graceText.toLowerCase(Locale.ROOT).equals("none")) {
      grace = PluginOptions.secondsValue(argument + ", mistriggerGraceTime", graceText);
      if (grace.isZero() || grace.isNegative()) {
        throw new InvalidInputException(
            argument + ", mistriggerGraceTime",
            graceText,
            "is not positive; expected seconds, an ISO-8601 duration, or none");
      }
    }
    return new Plan(where, function, id, a, trigger, grace, graceSet);
  }

  private static void checkAlias(String argument, String alias, Runnable lookup) {
    Identifiers.checkAlias(argument, alias);
    if (alias.equals(Scheduler.DEFAULT)) {
      return; // created at start when not added
    }
    try {
      lookup.run();
    } catch (InvalidInputException e) {
      InvalidInputException wrapped =
          new InvalidInputException(
              argument, alias, "is refused: " + e.getMessage() + "; add it before registering");
      wrapped.initCause(e);
      throw wrapped;
    }
  }

  private static Task add(Scheduler scheduler, Plan plan) {
    TaskRegistry registry = scheduler.registry();
    MethodFunction function = plan.function();
    if (!registry.registered().containsKey(function.name)) {
      registry.register(function.name, function);
    }
    ScheduledTask a = plan.annotation();
    TaskBuilder b =
        scheduler
            .task(function.name)
            .id(plan.id())
            .trigger(plan.trigger())
            .executor(a.executor())
            .store(a.store())
            .replaceExisting(a.replaceExisting());
    if (!a.name().isBlank()) {
      b.name(a.name().strip());
    }
    if (a.coalesce() != ScheduledTask.Toggle.DEFAULT) {
      b.coalesce(a.coalesce() == ScheduledTask.Toggle.TRUE);
    }
    if (a.maxInstances() > 0) {
      b.maxInstances(a.maxInstances());
    }
    if (plan.graceSet()) {
      if (plan.grace() == null) {
        b.noGraceLimit();
      } else {
        b.mistriggerGraceTime(plan.grace());
      }
    }
    if (a.paused()) {
      b.paused();
    }
    return b.add();
  }

  private static String reference(Method method) {
    return method.getDeclaringClass().getName() + "::" + method.getName();
  }

  private static String where(Method method) {
    return method.getDeclaringClass().getName() + "." + method.getName() + "()";
  }

  /** Calls an annotated method: on its bean, or statically. */
  private static final class MethodFunction implements TaskFunction {
    private final Method method;
    private final Object target;
    private final String name;

    MethodFunction(Method method, Object target, String name) {
      this.method = method;
      this.target = target;
      this.name = name;
    }

    @Override
    public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
      try {
        return method.invoke(target);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }

    @Override
    public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
      if (!args.isEmpty() || !kwargs.isEmpty()) {
        throw new InvalidInputException(
            "args", args.isEmpty() ? kwargs : args, "were given to " + name + ", which takes none");
      }
    }

    @Override
    public String displayName() {
      return name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MethodFunction f && method.equals(f.method) && target == f.target;
    }

    @Override
    public int hashCode() {
      return Objects.hash(method, System.identityHashCode(target));
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
