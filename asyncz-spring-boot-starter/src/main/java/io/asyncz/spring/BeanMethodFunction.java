package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.task.TaskFunction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;

/** A {@link BeanFunction} method of a bean, called with arguments converted to its parameters. */
final class BeanMethodFunction implements TaskFunction {
  private final Object bean;
  private final Method method;
  private final String reference;
  private final ConversionService conversions = DefaultConversionService.getSharedInstance();

  BeanMethodFunction(Object bean, Method method, String reference) {
    this.bean = bean;
    this.method = method;
    this.reference = reference;
  }

  @Override
  public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
    checkArguments(args, kwargs);
    Object[] converted = new Object[args.size()];
    for (int i = 0; i < converted.length; i++) {
      converted[i] =
          conversions.convert(
              args.get(i),
              TypeDescriptor.forObject(args.get(i)),
              new TypeDescriptor(MethodParameter.forExecutable(method, i)));
    }
    try {
      return method.invoke(bean, converted);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public void checkArguments(List<Object> args, Map<String, Object> kwargs) {
    if (!kwargs.isEmpty()) {
      throw new InvalidInputException(
          "kwargs", kwargs, "were given to " + reference + ", which takes positional args only");
    }
    if (args.size() != method.getParameterCount()) {
      throw new InvalidInputException(
          "args",
          args,
          "are "
              + args.size()
              + " for "
              + reference
              + ", which takes "
              + method.getParameterCount());
    }
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      Object arg = args.get(i);
      if (arg == null
          ? types[i].isPrimitive()
          : !conversions.canConvert(
              TypeDescriptor.forObject(arg), TypeDescriptor.valueOf(types[i]))) {
        throw new InvalidInputException(
            "args[" + i + "]",
            arg,
            "cannot be converted to " + types[i].getSimpleName() + " for " + reference);
      }
    }
  }

  @Override
  public String displayName() {
    return reference;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BeanMethodFunction f && f.bean == bean && f.method.equals(method);
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(bean), method);
  }

  @Override
  public String toString() {
    return reference;
  }
}
