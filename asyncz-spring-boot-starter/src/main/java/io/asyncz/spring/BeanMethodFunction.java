package io.asyncz.spring;

import io.asyncz.InvalidInputException;
import io.asyncz.task.TaskFunction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.BeanUtils;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.support.DefaultConversionService;

/**
 * A {@link BeanFunction} method of a bean, called with arguments converted to its parameters: a
 * simple value (text, number, boolean, date, enum...) by Spring's conversion service, and anything
 * else (a record, a bean, a collection of them, a type of the application's Jackson module) by the
 * application's {@code ObjectMapper} when it has one.
 */
final class BeanMethodFunction implements TaskFunction {
  private final Object bean;
  private final Method method;
  private final String reference;
  private final JsonArguments json;
  private final ConversionService conversions = DefaultConversionService.getSharedInstance();

  /**
   * A function of {@code bean}'s {@code method}; {@code json} is the application's JSON mapper, or
   * null for none.
   */
  BeanMethodFunction(Object bean, Method method, String reference, JsonArguments json) {
    this.bean = bean;
    this.method = method;
    this.reference = reference;
    this.json = json;
  }

  @Override
  public Object invoke(List<Object> args, Map<String, Object> kwargs) throws Exception {
    checkArguments(args, kwargs);
    Object[] converted = new Object[args.size()];
    for (int i = 0; i < converted.length; i++) {
      converted[i] = convert(i, args.get(i));
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
      if (arg != null && byMapper(i, arg)) {
        // The mapper's only test is to read the value; a value it cannot read is refused now.
        convert(i, arg);
      } else if (arg == null
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

  /** The {@code i}th argument as the parameter's type. */
  private Object convert(int i, Object arg) {
    if (arg == null || !byMapper(i, arg)) {
      return conversions.convert(
          arg,
          TypeDescriptor.forObject(arg),
          new TypeDescriptor(MethodParameter.forExecutable(method, i)));
    }
    Type type = method.getGenericParameterTypes()[i];
    try {
      return json.read(arg, type);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "args[" + i + "]",
          arg,
          "cannot be read as "
              + type.getTypeName()
              + " by "
              + json.describe()
              + " for "
              + reference
              + ": "
              + e.getMessage());
    }
  }

  /**
   * Whether the {@code i}th argument goes through the application's mapper: there is one, the
   * parameter is not a simple value, and the argument is not already of the parameter's type.
   */
  private boolean byMapper(int i, Object arg) {
    Class<?> type = method.getParameterTypes()[i];
    return json != null
        && !BeanUtils.isSimpleValueType(type)
        && !(method.getGenericParameterTypes()[i] instanceof Class<?> && type.isInstance(arg));
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
