package io.asyncz.spring;

import java.lang.reflect.Type;
import org.springframework.beans.factory.BeanFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Task arguments read and written by the application's Jackson 3 {@link ObjectMapper} bean, Boot
 * 4's default mapper.
 */
final class Jackson3Arguments implements JsonArguments {
  private final ObjectMapper mapper;

  private Jackson3Arguments(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The application's Jackson 3 mapper (the only one, or the primary one), with every customisation
   * Boot or the application applied to it; null when it has none or several.
   */
  static JsonArguments of(BeanFactory beans) {
    ObjectMapper mapper = beans.getBeanProvider(ObjectMapper.class).getIfUnique();
    return mapper == null ? null : new Jackson3Arguments(mapper);
  }

  @Override
  public Object read(Object json, Type type) {
    try {
      return mapper.convertValue(json, mapper.constructType(type));
    } catch (IllegalArgumentException | JacksonException e) {
      throw withoutLocation(e);
    }
  }

  @Override
  public Object write(Object value) {
    try {
      return mapper.convertValue(value, Object.class);
    } catch (IllegalArgumentException | JacksonException e) {
      throw withoutLocation(e);
    }
  }

  /**
   * Jackson's own message, without the source location that means nothing for a converted value.
   */
  private static IllegalArgumentException withoutLocation(RuntimeException e) {
    if (e instanceof JacksonException j) {
      return new IllegalArgumentException(j.getOriginalMessage(), e);
    }
    return e.getCause() instanceof JacksonException cause
        ? new IllegalArgumentException(cause.getOriginalMessage(), e)
        : (IllegalArgumentException) e;
  }

  @Override
  public String describe() {
    return "the application's Jackson 3 ObjectMapper";
  }
}
