package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.ScheduledTask;
import io.asyncz.task.TaskFunction;
import io.asyncz.task.TaskRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers the {@link ScheduledTask} methods of beans with the scheduler (through the core's
 * {@code Scheduler.register}), and puts bean references in its {@link TaskRegistry}: {@code
 * bean:<name>} for a bean that is a {@link TaskFunction}, {@code bean:<name>.<method>} for a {@link
 * BeanFunction} method. Singletons are taken once every one of them exists, before the scheduler
 * starts (so that stored tasks find their functions); a bean made later is taken when it is made.
 */
final class ScheduledTaskRegistrar
    implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {
  /** The prefix of a bean reference. */
  static final String BEAN_PREFIX = "bean:";

  private final List<Runnable> pending = new ArrayList<>();
  private BeanFactory beanFactory;
  private volatile boolean ready;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
    if (bean instanceof Scheduler || bean instanceof TaskRegistry) {
      return bean;
    }
    Object target = target(bean);
    Class<?> type = AopUtils.getTargetClass(bean);
    List<Runnable> work = new ArrayList<>();
    if (bean instanceof TaskFunction function) {
      work.add(() -> registry().register(BEAN_PREFIX + beanName, function));
    }
    ReflectionUtils.doWithMethods(
        type,
        method -> {
          String reference = BEAN_PREFIX + beanName + "." + method.getName();
          checkBeanFunction(method, reference);
          work.add(
              () ->
                  registry()
                      .register(
                          reference,
                          new BeanMethodFunction(target, method, reference, jsonArguments())));
        },
        method -> AnnotatedElementUtils.hasAnnotation(method, BeanFunction.class));
    if (hasScheduledTasks(type)) {
      // The core reads the annotations from the object's class: a proxy's class has none.
      work.add(() -> scheduler().register(target));
    }
    if (!work.isEmpty()) {
      synchronized (pending) {
        if (ready) {
          work.forEach(Runnable::run);
        } else {
          pending.addAll(work);
        }
      }
    }
    return bean;
  }

  @Override
  public void afterSingletonsInstantiated() {
    synchronized (pending) {
      // Before the scheduler starts (a later phase): stored tasks that name beans are resolved
      // then, and would be quarantined if their functions were not registered yet.
      pending.forEach(Runnable::run);
      pending.clear();
      ready = true;
    }
  }

  private static void checkBeanFunction(Method method, String reference) {
    if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
      throw new InvalidInputException(
          "@BeanFunction on " + method.getDeclaringClass().getName() + "." + method.getName(),
          reference,
          "is not a public instance method; a bean reference calls a public method of the bean");
    }
  }

  private static boolean hasScheduledTasks(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getAnnotationsByType(ScheduledTask.class).length > 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static Object target(Object bean) {
    if (AopUtils.isAopProxy(bean)) {
      Object target = AopProxyUtils.getSingletonTarget(bean);
      if (target != null) {
        return target;
      }
    }
    return bean;
  }

  /**
   * The application's JSON mapper, or null: looked up when a function is registered, once the
   * singletons exist.
   */
  private JsonArguments jsonArguments() {
    return JsonArguments.of(beanFactory);
  }

  private Scheduler scheduler() {
    return beanFactory.getBean(Scheduler.class);
  }

  private TaskRegistry registry() {
    return scheduler().registry();
  }
}
