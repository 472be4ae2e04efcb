package io.asyncz.task;

import io.asyncz.InvalidInputException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON form of a {@link TaskDefinition}'s data: a record written as a JSON object of its
 * components, and read back through its canonical constructor. The shape of the record is worked
 * out once, when the definition is made, so that a type that cannot be stored is refused there,
 * naming the component; values are checked when data is given, and what a store gives back is
 * checked when the task is read.
 *
 * <p>What is written is what the task state codec stores as it is: strings, booleans, whole
 * numbers, finite doubles, lists and maps. Decimals ({@code BigDecimal}) are written as text, so
 * that their digits and scale come back exactly; enums by name; {@code java.time} values, zones and
 * UUIDs as their ISO text.
 */
final class TaskData {
  /** The types a component may have besides enums, records and the containers. */
  private static final Set<Class<?>> SCALARS =
      Set.of(
          String.class,
          Boolean.class,
          Integer.class,
          Long.class,
          Short.class,
          Byte.class,
          Double.class,
          Float.class,
          Character.class,
          BigDecimal.class,
          BigInteger.class,
          Instant.class,
          LocalDate.class,
          LocalDateTime.class,
          LocalTime.class,
          OffsetDateTime.class,
          OffsetTime.class,
          ZonedDateTime.class,
          Duration.class,
          Period.class,
          Year.class,
          YearMonth.class,
          MonthDay.class,
          ZoneId.class,
          ZoneOffset.class,
          UUID.class);

  static final String SUPPORTED =
      "a component is a string, a number (primitive, boxed, BigDecimal, BigInteger), a boolean, a"
          + " char, an enum, a java.time value (Instant, LocalDate, LocalDateTime, LocalTime,"
          + " OffsetDateTime, OffsetTime, ZonedDateTime, Duration, Period, Year, YearMonth,"
          + " MonthDay, ZoneId, ZoneOffset), a UUID, a record of such components, or a List, Set,"
          + " Collection, Map with String keys or Optional of one";

  private final String definition;
  private final RecordShape root;

  private TaskData(String definition, RecordShape root) {
    this.definition = definition;
    this.root = root;
  }

  /**
   * The JSON form of {@code type}'s records.
   *
   * @param definition the definition's name, for messages
   * @throws InvalidInputException naming the first component whose type cannot be stored
   */
  static TaskData of(String definition, Class<?> type) {
    if (!type.isRecord()) {
      throw new InvalidInputException(
          "data type of task definition '" + definition + "'",
          type.getName(),
          "is not a record; expected a record whose components are JSON values ("
              + SUPPORTED
              + ")");
    }
    Builder builder = new Builder(definition);
    return new TaskData(definition, builder.record(type, type.getSimpleName()));
  }

  /** The record's simple name. */
  String typeName() {
    return root.type.getSimpleName();
  }

  /**
   * The data as a JSON object: a map of component names to JSON values.
   *
   * @throws InvalidInputException naming the component whose value cannot be stored
   */
  Map<String, Object> write(Object data) {
    if (data == null) {
      throw new InvalidInputException(
          "data of task definition '" + definition + "'",
          null,
          "is missing; expected " + article(typeName()) + " " + typeName());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) root.write(this, data, typeName(), 0);
    return json;
  }

  /**
   * The record a JSON object stands for.
   *
   * @throws InvalidInputException naming the component that cannot be read
   */
  Object read(Object json) {
    if (json == null) {
      throw new InvalidInputException(
          "data of task definition '" + definition + "'",
          null,
          "is missing; expected the components of " + typeName() + " as a JSON object");
    }
    return root.read(this, json, typeName(), 0);
  }

  private InvalidInputException badValue(String path, Object value, String why) {
    // The record itself, at the root, is the data; anything below it is a component.
    boolean root = path.indexOf('.') < 0 && path.indexOf('[') < 0;
    return new InvalidInputException(
        (root ? "data " : "component ") + path + " of task definition '" + definition + "'",
        value,
        why);
  }

  static String article(String word) {
    return "AEIOU".indexOf(Character.toUpperCase(word.charAt(0))) >= 0 ? "an" : "a";
  }

  // ------------------------------------------------------------------ shapes

  /** How values of one declared type are written as JSON values and read back. */
  private interface Shape {
    Object write(TaskData data, Object value, String path, int depth);

    Object read(TaskData data, Object json, String path, int depth);
  }

  private static void checkDepth(TaskData data, String path, Object value, int depth) {
    if (depth > TaskFunctions.MAX_DEPTH) {
      throw data.badValue(
          path, value, "is nested more than " + TaskFunctions.MAX_DEPTH + " levels deep");
    }
  }

  /** Works out the shapes of a record type and of what its components hold. */
  private static final class Builder {
    private final String definition;
    private final Map<Class<?>, RecordShape> records = new HashMap<>();

    Builder(String definition) {
      this.definition = definition;
    }

    RecordShape record(Class<?> type, String path) {
      RecordShape known = records.get(type);
      if (known != null) {
        return known; // a record that holds itself, through a list or an Optional
      }
      RecordShape shape = new RecordShape(type);
      records.put(type, shape);
      RecordComponent[] components = type.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        types[i] = c.getType();
        Method accessor = c.getAccessor();
        if (!accessor.trySetAccessible()) {
          throw inaccessible(type);
        }
        shape.names.add(c.getName());
        shape.accessors.add(accessor);
        shape.shapes.add(of(c.getGenericType(), path + "." + c.getName()));
      }
      try {
        shape.constructor = type.getDeclaredConstructor(types);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("A record without its canonical constructor: " + type, e);
      }
      if (!shape.constructor.trySetAccessible()) {
        throw inaccessible(type);
      }
      return shape;
    }

    private InvalidInputException inaccessible(Class<?> type) {
      return new InvalidInputException(
          "data type of task definition '" + definition + "'",
          type.getName(),
          "cannot be read or created by io.asyncz: its module "
              + type.getModule().getName()
              + " does not open package "
              + type.getPackageName()
              + "; make the record public in an exported package, or open the package to "
              + (TaskData.class.getModule().isNamed()
                  ? TaskData.class.getModule().getName()
                  : "the Asyncz core module"));
    }

    private Shape of(Type type, String path) {
      if (type instanceof Class<?> c) {
        if (c.isPrimitive() && c != void.class) {
          return new Scalar(c);
        }
        if (SCALARS.contains(c) || c.isEnum()) {
          return new Scalar(c);
        }
        if (c.isRecord()) {
          return record(c, path);
        }
        if (c.isArray()) {
          throw refused(path, type, "is an array; use a List");
        }
        if (Collection.class.isAssignableFrom(c)
            || Map.class.isAssignableFrom(c)
            || c == Optional.class) {
          throw refused(path, type, "has no type arguments; say what it holds, e.g. List<String>");
        }
        throw refused(path, type, "is not a type the data can hold; " + SUPPORTED);
      }
      if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
        Type[] arguments = p.getActualTypeArguments();
        if (raw == List.class || raw == Collection.class) {
          return new Many(of(arguments[0], path + "[*]"), false);
        }
        if (raw == Set.class) {
          return new Many(of(arguments[0], path + "[*]"), true);
        }
        if (raw == Map.class) {
          if (arguments[0] != String.class) {
            throw refused(path, type, "has keys that are not strings; JSON object keys are");
          }
          return new Keyed(of(arguments[1], path + "[*]"));
        }
        if (raw == Optional.class) {
          return new Maybe(of(arguments[0], path));
        }
        if (raw.isRecord()) {
          throw refused(
              path, type, "is a generic record; use a record whose components have fixed types");
        }
        if (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)) {
          throw refused(path, type, "is a collection class; declare it as List, Set or Map");
        }
      }
      throw refused(path, type, "is not a type the data can hold; " + SUPPORTED);
    }

    private InvalidInputException refused(String path, Type type, String why) {
      return new InvalidInputException(
          "component " + path + " of task definition '" + definition + "'",
          type.getTypeName(),
          why);
    }
  }

  /** A string, number, boolean, char, enum, java.time value, zone or UUID. */
  private static final class Scalar implements Shape {
    private final Class<?> type;

    Scalar(Class<?> type) {
      this.type = type;
    }

    @Override
    public Object write(TaskData data, Object value, String path, int depth) {
      if (value == null) {
        return null;
      }
      if (!TaskFunctions.Conversions.box(type).isInstance(value)) {
        // Only an unchecked cast can put it there, e.g. a List<Object> passed as a List<String>.
        throw data.badValue(
            path, value, "is " + value.getClass().getName() + "; expected " + type.getName());
      }
      if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        if (!Double.isFinite(d)) {
          throw data.badValue(path, value, "is not a finite number; JSON has no NaN or infinity");
        }
        // A float's shortest decimal form, not the binary expansion of its double widening.
        return value instanceof Float f ? Double.valueOf(f.toString()) : value;
      }
      if (value instanceof String s) {
        checkText(data, path, s);
        return s;
      }
      if (value instanceof Character c) {
        checkText(data, path, c.toString());
        return c.toString();
      }
      if (value instanceof Boolean
          || value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte
          || value instanceof BigInteger) {
        return value;
      }
      if (value instanceof Enum<?> e) {
        return e.name();
      }
      // BigDecimal as text keeps its scale (2.50 stays 2.50); java.time values, zones, UUIDs
      // as the ISO text that Conversions parses back.
      return value.toString();
    }

    @Override
    public Object read(TaskData data, Object json, String path, int depth) {
      if (json == null) {
        if (type.isPrimitive()) {
          throw data.badValue(path, null, "is missing; expected " + type.getName());
        }
        return null;
      }
      if (json instanceof Map || json instanceof List) {
        throw data.badValue(
            path,
            json,
            "is a JSON "
                + (json instanceof Map ? "object" : "array")
                + "; expected "
                + type.getSimpleName());
      }
      try {
        return TaskFunctions.Conversions.convert(json, type);
      } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
        throw data.badValue(path, json, "cannot be read as " + type.getSimpleName());
      }
    }

    /** A lone surrogate cannot be encoded as UTF-8, so it would not come back as it went in. */
    private static void checkText(TaskData data, String path, String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw data.badValue(
              path,
              s,
              "has a lone surrogate "
                  + String.format("U+%04X", (int) c)
                  + " at index "
                  + i
                  + ", which UTF-8 cannot encode");
        }
      }
    }
  }

  /** A List, Collection or Set: a JSON array. */
  private static final class Many implements Shape {
    private final Shape element;
    private final boolean set;

    Many(Shape element, boolean set) {
      this.element = element;
      this.set = set;
    }

    @Override
    public Object write(TaskData data, Object value, String path, int depth) {
      if (value == null) {
        return null;
      }
      checkDepth(data, path, value, depth);
      List<Object> json = new ArrayList<>();
      int i = 0;
      for (Object item : (Collection<?>) value) {
        json.add(element.write(data, item, path + "[" + i++ + "]", depth + 1));
      }
      return json;
    }

    @Override
    public Object read(TaskData data, Object json, String path, int depth) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof List<?> list)) {
        throw data.badValue(path, json, "is not a JSON array");
      }
      checkDepth(data, path, json, depth);
      List<Object> items = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        items.add(element.read(data, list.get(i), path + "[" + i + "]", depth + 1));
      }
      return set
          ? Collections.unmodifiableSet(new LinkedHashSet<>(items))
          : Collections.unmodifiableList(items);
    }
  }

  /** A Map with String keys: a JSON object. */
  private static final class Keyed implements Shape {
    private final Shape value;

    Keyed(Shape value) {
      this.value = value;
    }

    @Override
    public Object write(TaskData data, Object map, String path, int depth) {
      if (map == null) {
        return null;
      }
      checkDepth(data, path, map, depth);
      Map<String, Object> json = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) map).entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw data.badValue(path, e.getKey(), "is a key that is not a string");
        }
        Scalar.checkText(data, path, key);
        json.put(key, value.write(data, e.getValue(), path + "[\"" + key + "\"]", depth + 1));
      }
      return json;
    }

    @Override
    public Object read(TaskData data, Object json, String path, int depth) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof Map<?, ?> map)) {
        throw data.badValue(path, json, "is not a JSON object");
      }
      checkDepth(data, path, json, depth);
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        values.put(key, value.read(data, e.getValue(), path + "[\"" + key + "\"]", depth + 1));
      }
      return Collections.unmodifiableMap(values);
    }
  }

  /** An Optional: its value, or null when empty. */
  private static final class Maybe implements Shape {
    private final Shape value;

    Maybe(Shape value) {
      this.value = value;
    }

    @Override
    public Object write(TaskData data, Object optional, String path, int depth) {
      return optional == null
          ? null
          : value.write(data, ((Optional<?>) optional).orElse(null), path, depth);
    }

    @Override
    public Object read(TaskData data, Object json, String path, int depth) {
      return json == null ? Optional.empty() : Optional.of(value.read(data, json, path, depth));
    }
  }

  /** A record: a JSON object of its components, read back through its canonical constructor. */
  private static final class RecordShape implements Shape {
    private final Class<?> type;
    private final List<String> names = new ArrayList<>();
    private final List<Method> accessors = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    private Constructor<?> constructor;

    RecordShape(Class<?> type) {
      this.type = type;
    }

    @Override
    public Object write(TaskData data, Object record, String path, int depth) {
      if (record == null) {
        return null;
      }
      checkDepth(data, path, record, depth);
      Map<String, Object> json = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        Object value;
        try {
          value = accessors.get(i).invoke(record);
        } catch (InvocationTargetException e) {
          throw data.badValue(
              path + "." + names.get(i),
              record,
              "could not be read: its accessor threw " + e.getCause());
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("An accessor made accessible is not: " + e, e);
        }
        String component = path + "." + names.get(i);
        json.put(names.get(i), shapes.get(i).write(data, value, component, depth + 1));
      }
      return json;
    }

    @Override
    public Object read(TaskData data, Object json, String path, int depth) {
      if (json == null) {
        return null;
      }
      if (!(json instanceof Map<?, ?> map)) {
        throw data.badValue(
            path, json, "is not a JSON object; expected the components of " + type.getSimpleName());
      }
      checkDepth(data, path, json, depth);
      for (Object key : map.keySet()) {
        if (!names.contains(key)) {
          // Dropping it would lose what was stored: the record stays unread (quarantined).
          throw data.badValue(
              path,
              key,
              "is not a component of " + type.getSimpleName() + "; its components are " + names);
        }
      }
      Object[] values = new Object[names.size()];
      for (int i = 0; i < names.size(); i++) {
        String component = path + "." + names.get(i);
        values[i] = shapes.get(i).read(data, map.get(names.get(i)), component, depth + 1);
      }
      try {
        return constructor.newInstance(values);
      } catch (InvocationTargetException e) {
        throw data.badValue(
            path,
            json,
            "was refused by the constructor of " + type.getSimpleName() + ": " + e.getCause());
      } catch (InstantiationException | IllegalAccessException e) {
        throw new IllegalStateException("A record constructor made accessible is not: " + e, e);
      }
    }
  }
}
