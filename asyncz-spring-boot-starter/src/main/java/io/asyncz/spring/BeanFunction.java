package io.asyncz.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a public method of a Spring bean a task function that stored tasks may name as {@code
 * bean:<beanName>.<method>}, e.g. {@code scheduler.task("bean:reports.send").args("daily")}.
 *
 * <p>Only methods that carry this annotation (and beans that implement {@link
 * io.asyncz.task.TaskFunction}, named {@code bean:<beanName>}) are reachable this way: a stored
 * record can name no other bean or method. The task's positional arguments are converted to the
 * method's parameter types with Spring's conversion service, or, for a parameter that is not a
 * simple value, with the application's {@code ObjectMapper} (see {@link TaskArguments}); keyword
 * arguments are refused.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface BeanFunction {}
