package io.asyncz.benchmarks.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Wraps a data source to count what a scheduler asks of the database: connections borrowed,
 * statements prepared or created, and commits. A dynamic proxy costs well under a microsecond a
 * call, far less than the round trip to the server that each counted call leads to.
 */
final class CountingDataSource {
  private final LongAdder connections = new LongAdder();
  private final LongAdder statements = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final DataSource dataSource;

  CountingDataSource(DataSource target) {
    this.dataSource =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  Object result = call(target, method, args);
                  if (method.getName().equals("getConnection")) {
                    connections.increment();
                    return connection((Connection) result);
                  }
                  return result;
                });
  }

  /** The counting data source. */
  DataSource dataSource() {
    return dataSource;
  }

  /** Sets the counts to zero. */
  void reset() {
    connections.reset();
    statements.reset();
    commits.reset();
  }

  long connections() {
    return connections.sum();
  }

  long statements() {
    return statements.sum();
  }

  long commits() {
    return commits.sum();
  }

  private Connection connection(Connection target) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          switch (method.getName()) {
            case "prepareStatement", "createStatement", "prepareCall" -> statements.increment();
            case "commit" -> commits.increment();
            case "unwrap" -> {
              return target.unwrap((Class<?>) args[0]);
            }
            case "isWrapperFor" -> {
              return target.isWrapperFor((Class<?>) args[0])
                  || ((Class<?>) args[0]).isInstance(proxy);
            }
            default -> {}
          }
          return call(target, method, args);
        };
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
