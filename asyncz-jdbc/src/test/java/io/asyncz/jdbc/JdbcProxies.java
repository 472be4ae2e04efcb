package io.asyncz.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * JDBC objects that pass each call on to a real one through a hook: how the tests watch or disturb
 * what a store sends to its database (count statements, rewrite them, lose a commit's answer,
 * pretend to be another database).
 */
final class JdbcProxies {
  private JdbcProxies() {}

  /** One call on a proxy: {@link #invoke} makes it on the real object. */
  @FunctionalInterface
  interface Hook<T> {
    Object call(T target, Method method, Object[] args) throws Throwable;
  }

  /** What a proxy does with a connection its data source made. */
  @FunctionalInterface
  interface ConnectionWrapper {
    Connection wrap(Connection real) throws Throwable;
  }

  /** A {@code type} that hands every call on {@code target} to {@code hook}. */
  static <T> T proxy(Class<T> type, T target, Hook<T> hook) {
    return type.cast(
        Proxy.newProxyInstance(
            JdbcProxies.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> hook.call(target, method, args)));
  }

  /**
   * A data source that gives the connections of {@code target}, each as {@code wrapper} makes it.
   */
  static DataSource withConnections(DataSource target, ConnectionWrapper wrapper) {
    return proxy(
        DataSource.class,
        target,
        (real, method, args) -> {
          Object made = invoke(real, method, args);
          return made instanceof Connection c ? wrapper.wrap(c) : made;
        });
  }

  /** A data source whose connections hand every call to {@code hook}. */
  static DataSource withConnectionHook(DataSource target, Hook<Connection> hook) {
    return withConnections(target, connection -> proxy(Connection.class, connection, hook));
  }

  /** Makes the call on the real object, throwing what it threw. */
  static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
