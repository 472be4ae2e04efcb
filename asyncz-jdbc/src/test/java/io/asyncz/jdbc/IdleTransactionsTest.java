package io.asyncz.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The idle transaction timeout when the server refuses it: one warning, and no second try. An H2
 * database that says it is PostgreSQL stands for a server too old for the setting (H2 refuses the
 * statement as PostgreSQL 9.5 does, with an error that is not a connection failure). A store on a
 * real PostgreSQL that refuses it: {@code PostgresClusterTest}.
 */
class IdleTransactionsTest {
  /** H2 in memory, whose connections call themselves PostgreSQL and record what they execute. */
  private static DataSource h2CallingItselfPostgres(String name, List<String> executed) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return JdbcProxies.withConnections(h2, c -> pretending(c, executed));
  }

  private static Connection pretending(Connection connection, List<String> executed) {
    return JdbcProxies.proxy(
        Connection.class,
        connection,
        (c, method, args) -> {
          switch (method.getName()) {
            case "getMetaData" -> {
              return JdbcProxies.proxy(
                  DatabaseMetaData.class,
                  c.getMetaData(),
                  (real, m, a) ->
                      m.getName().equals("getDatabaseProductName")
                          ? "PostgreSQL"
                          : JdbcProxies.invoke(real, m, a));
            }
            case "createStatement" -> {
              return JdbcProxies.proxy(
                  Statement.class,
                  c.createStatement(),
                  (real, m, a) -> {
                    if (m.getName().equals("execute")) {
                      executed.add((String) a[0]);
                    }
                    return JdbcProxies.invoke(real, m, a);
                  });
            }
            default -> {
              return JdbcProxies.invoke(c, method, args);
            }
          }
        });
  }

  /** A logger that keeps what is logged at warning level and drops the rest. */
  private static Logger warnings(List<String> warned) {
    return (Logger)
        Proxy.newProxyInstance(
            Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
              if (method.getName().equals("warn") && args != null) {
                warned.add((String) args[0]);
              }
              if (method.getReturnType() == boolean.class) {
                return true;
              }
              return method.getName().equals("getName") ? "test" : null;
            });
  }

  @Test
  void aServerThatRefusesTheSettingGetsOneWarningAndIsNotAskedAgain() throws Exception {
    List<String> executed = new CopyOnWriteArrayList<>();
    List<String> warned = new CopyOnWriteArrayList<>();
    DataSource ds = h2CallingItselfPostgres("refusing", executed);
    IdleTransactions idle = new IdleTransactions(Duration.ofSeconds(10));
    Logger logger = warnings(warned);

    for (int i = 0; i < 3; i++) {
      try (Connection c = ds.getConnection()) {
        idle.apply(c, logger);
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
      }
    }

    assertThat(executed)
        .containsExactly(
            "SET idle_in_transaction_session_timeout = 10000", "SELECT 1", "SELECT 1", "SELECT 1");
    assertThat(warned)
        .singleElement()
        .asString()
        .contains("The database refused")
        .contains("Set idle_transaction_timeout to 0 to go without");
  }

  @Test
  void zeroTurnsTheSettingOff() throws Exception {
    List<String> executed = new CopyOnWriteArrayList<>();
    IdleTransactions idle = new IdleTransactions(Duration.ZERO);
    try (Connection c = h2CallingItselfPostgres("off", executed).getConnection()) {
      idle.apply(c, warnings(new CopyOnWriteArrayList<>()));
    }
    assertThat(executed).isEmpty();
  }
}
