package io.asyncz.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Type;
import org.springframework.beans.factory.BeanFactory;

/** Task arguments read and written by the application's Jackson 2 {@link ObjectMapper} bean. */
final class Jackson2Arguments implements JsonArguments {
  private final ObjectMapper mapper;

  private Jackson2Arguments(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The application's {@code ObjectMapper} (the only one, or the primary one), with every
   * customisation Boot or the application applied to it; null when it has none or several.
   */
  static JsonArguments of(BeanFactory beans) {
    ObjectMapper mapper = beans.getBeanProvider(ObjectMapper.class).getIfUnique();
    return mapper == null ? null : new Jackson2Arguments(mapper);
  }

  @Override
  public Object read(Object json, Type type) {
    try {
      return mapper.convertValue(json, mapper.constructType(type));
    } catch (IllegalArgumentException e) {
      throw withoutLocation(e);
    }
  }

  @Override
  public Object write(Object value) {
    try {
      return mapper.convertValue(value, Object.class);
    } catch (IllegalArgumentException e) {
      throw withoutLocation(e);
    }
  }

  /**
   * Jackson's own message, without the source location that means nothing for a converted value.
   */
  private static IllegalArgumentException withoutLocation(IllegalArgumentException e) {
    return e.getCause() instanceof JsonProcessingException cause
        ? new IllegalArgumentException(cause.getOriginalMessage(), e)
        : e;
  }

  @Override
  public String describe() {
    return "the application's Jackson 2 ObjectMapper";
  }
}
