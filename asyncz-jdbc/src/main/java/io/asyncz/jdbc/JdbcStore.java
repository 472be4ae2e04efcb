package io.asyncz.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps tasks in one SQL table (the seed's SQLAlchemyStore, aliases {@code jdbc} and {@code
 * sqlalchemy}): {@code (id VARCHAR(191) PRIMARY KEY, next_run_time BIGINT, state BLOB)}, with an
 * index {@code ix_<table>_due} on {@code (next_run_time, id)}. The run time is kept as microseconds
 * since the epoch ({@code NULL} for a paused task); the state is the task record written by {@link
 * TaskRecords} (versioned JSON, encrypted when a key is set). The table and its index are created
 * on {@link #start} when missing. Every statement is parameterized; the table name, the only text
 * put into SQL, must be a plain SQL identifier of at most 52 characters (so that {@code
 * <table>_quarantine} fits PostgreSQL's 63) that is no reserved word of SQL:2016, PostgreSQL,
 * MariaDB/MySQL, SQLite or H2.
 *
 * <p>Due tasks are read a batch at a time in the database's order, next run time then id (the id
 * column is created with a binary collation: {@code utf8mb4_bin} on MySQL/MariaDB, {@code "C"} on
 * PostgreSQL), and sorted in Java by next run time and then {@link String#compareTo}; the two id
 * orders differ only for characters beyond U+FFFF, and only in which of several tasks due at the
 * same microsecond goes first.
 *
 * <p>A row whose state cannot be read (corrupt, encrypted with an unknown key, from a newer
 * version, naming a function that is not registered) is never deleted: in one transaction it is
 * copied to the quarantine table {@code <table>_quarantine (id, quarantined_at, reason, detail,
 * state)} and removed from the schedule, logged, and reported by a {@link TaskQuarantinedEvent}; it
 * can then be listed, restored and discarded ({@link #quarantinedRecords()}).
 */
public final class JdbcStore implements TaskStore {
  /** The default table name, as in the seed. */
  public static final String DEFAULT_TABLE = "asyncz_store";

  private static final int MAX_ID_LENGTH = 191;
  private static final int MAX_DETAIL = 1000;
  private static final int MAX_REASON = 32;
  private static final int IN_LIST = 256;

  /**
   * The state and its length in bytes, for a query whose first parameter is the read limit: a state
   * over it is not fetched (it comes back null), so a huge row costs nothing but its quarantine.
   */
  private static final String STATE =
      "CASE WHEN OCTET_LENGTH(state) > ? THEN NULL ELSE state END, OCTET_LENGTH(state)";

  private final String url;
  private final String username;
  private final String password;
  private final Timeouts timeouts;
  private final int statementSeconds;
  private final String table;
  private final TaskRecords records;
  private volatile DataSource dataSource;
  private volatile HikariDataSource ownPool;
  private volatile StoreContext context;
  private final String quarantine;
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");
  private volatile String alias = "default";
  // Rows found unreadable during a read, set aside once the read's result set is closed.
  private final List<Unreadable> unreadable = new ArrayList<>();

  private record Unreadable(String id, CorruptTaskRecordException failure) {}

  /**
   * A store on a data source the caller owns (the store never closes it).
   *
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   */
  public JdbcStore(DataSource dataSource, String table, TaskRecords records) {
    this(dataSource, table, records, Timeouts.DEFAULTS.statement());
  }

  /**
   * A store on a data source the caller owns (the store never closes it), whose statements may each
   * run for {@code statementTimeout} before the store asks the database to cancel them. The data
   * source's own timeouts (for a connection from its pool, for a server that stops answering) are
   * the caller's to set.
   *
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   * @param statementTimeout how long a statement may run; rounded up to whole seconds
   */
  public JdbcStore(
      DataSource dataSource, String table, TaskRecords records, Duration statementTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.url = null;
    this.username = null;
    this.password = null;
    this.timeouts = null;
    this.statementSeconds =
        JdbcConnections.seconds(
            JdbcConnections.checkTimeout("statement_timeout", statementTimeout, Duration.ZERO));
    this.table = checkTable(table);
    this.quarantine = table + "_quarantine";
    this.records = Objects.requireNonNull(records, "records");
  }

  /**
   * A store on a JDBC URL; the store opens a HikariCP pool on {@link #start} and closes it on
   * {@link #shutdown}.
   *
   * @param username the user, or null when the URL or driver needs none
   * @param password the password, or null
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   */
  public JdbcStore(
      String url, String username, String password, String table, TaskRecords records) {
    this(url, username, password, table, records, Timeouts.DEFAULTS);
  }

  /**
   * A store on a JDBC URL with the given timeouts; the store opens a HikariCP pool on {@link
   * #start} and closes it on {@link #shutdown}.
   *
   * @param username the user, or null when the URL or driver needs none
   * @param password the password, or null
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   * @param timeouts how long to wait for a connection, a validation and a statement
   */
  public JdbcStore(
      String url,
      String username,
      String password,
      String table,
      TaskRecords records,
      Timeouts timeouts) {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new InvalidInputException(
          "url", url, "is not a JDBC URL; expected something like jdbc:postgresql://host/db");
    }
    this.url = url;
    this.username = username;
    this.password = password;
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.statementSeconds = JdbcConnections.seconds(timeouts.statement());
    this.table = checkTable(table);
    this.quarantine = table + "_quarantine";
    this.records = Objects.requireNonNull(records, "records");
  }

  /** The table name. */
  public String table() {
    return table;
  }

  /** The timeouts of the pool this store builds from its URL; empty for a caller's data source. */
  public Optional<Timeouts> timeouts() {
    return Optional.ofNullable(timeouts);
  }

  /** How long one statement may run before the store asks the database to cancel it. */
  public Duration statementTimeout() {
    return Duration.ofSeconds(statementSeconds);
  }

  /**
   * How long a store on a JDBC URL waits on the database; {@link #DEFAULTS} unless given.
   *
   * @param connect how long to wait for a connection: from the pool (HikariCP's {@code
   *     connectionTimeout}) and, for PostgreSQL, MariaDB and MySQL, for the driver to connect and
   *     log in; at least 250 ms
   * @param validation how long the pool may take to check that an idle connection still works
   *     (HikariCP's {@code validationTimeout}); at least 250 ms and at most {@code connect}
   * @param statement how long one statement may run before the store asks the database to cancel it
   *     (rounded up to whole seconds); for PostgreSQL, MariaDB and MySQL the driver also gives up
   *     on a server that sends nothing for 2 s longer (its socket timeout)
   */
  public record Timeouts(Duration connect, Duration validation, Duration statement) {
    /** Connect 5 s, validation 2 s, statement 10 s. */
    public static final Timeouts DEFAULTS =
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10));

    /**
     * Checks each timeout.
     *
     * @throws InvalidInputException for a timeout out of range, or a validation timeout longer than
     *     the connect timeout
     */
    public Timeouts {
      JdbcConnections.checkTimeout("connect_timeout", connect, JdbcConnections.MIN_POOL_TIMEOUT);
      JdbcConnections.checkTimeout(
          "validation_timeout", validation, JdbcConnections.MIN_POOL_TIMEOUT);
      JdbcConnections.checkTimeout("statement_timeout", statement, Duration.ZERO);
      if (validation.compareTo(connect) > 0) {
        throw new InvalidInputException(
            "validation_timeout",
            validation,
            "is longer than connect_timeout ("
                + connect
                + "); expected at most the connect timeout, which includes it");
      }
    }

    /**
     * Timeouts with the validation timeout derived from {@code connect}: 2 s, or half of {@code
     * connect} when that is shorter, but at least 250 ms.
     */
    public static Timeouts of(Duration connect, Duration statement) {
      return new Timeouts(connect, validationFor(connect), statement);
    }

    /** The validation timeout {@link #of} derives from a connect timeout. */
    public static Duration validationFor(Duration connect) {
      JdbcConnections.checkTimeout("connect_timeout", connect, JdbcConnections.MIN_POOL_TIMEOUT);
      Duration half = connect.dividedBy(2);
      Duration derived = half.compareTo(DEFAULTS.validation) < 0 ? half : DEFAULTS.validation;
      return derived.compareTo(JdbcConnections.MIN_POOL_TIMEOUT) < 0
          ? JdbcConnections.MIN_POOL_TIMEOUT
          : derived;
    }
  }

  static String checkTable(String table) {
    return SqlNames.checkTable("table", table);
  }

  // ------------------------------------------------------------------ life cycle

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public synchronized void start(StoreContext context, String alias) {
    this.context = Objects.requireNonNull(context, "context");
    this.logger = LoggerFactory.getLogger("asyncz.stores." + alias);
    this.alias = alias;
    if (url != null && ownPool == null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(4);
      config.setPoolName("asyncz-" + alias);
      JdbcConnections.configure(config, url, timeouts);
      JdbcConnections.retireAllOnConnectionFailure(config, () -> ownPool);
      ownPool = new HikariDataSource(config);
      dataSource = ownPool;
    }
    try (Connection c = connection();
        Statement s = c.createStatement()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      String idType = "VARCHAR(" + MAX_ID_LENGTH + ")";
      String blob = "BLOB";
      if (product.contains("postgres")) {
        idType += " COLLATE \"C\"";
        blob = "BYTEA";
      } else if (product.contains("mysql") || product.contains("mariadb")) {
        idType += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        blob = "LONGBLOB";
      }
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (id "
              + idType
              + " NOT NULL PRIMARY KEY, next_run_time BIGINT, state "
              + blob
              + " NOT NULL)");
      s.execute(
          "CREATE INDEX IF NOT EXISTS ix_" + table + "_due ON " + table + " (next_run_time, id)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + quarantine
              + " (id "
              + idType
              + " NOT NULL, quarantined_at BIGINT NOT NULL, reason VARCHAR(32) NOT NULL, detail"
              + " VARCHAR("
              + MAX_DETAIL
              + ") NOT NULL, state "
              + blob
              + " NOT NULL, PRIMARY KEY (id, quarantined_at))");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot create the table " + table, e);
    }
  }

  @Override
  public synchronized void shutdown() {
    HikariDataSource pool = ownPool;
    if (pool != null) {
      ownPool = null;
      dataSource = null;
      pool.close();
    }
  }

  // ------------------------------------------------------------------ queries

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    Objects.requireNonNull(id, "id");
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement("SELECT " + STATE + " FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, records.readLimit());
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.ofNullable(decode(id, rs.getBytes(1), rs.getLong(2)));
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot look up task " + id, e);
    } finally {
      quarantineUnreadable();
    }
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now) {
    return earliest(now, Integer.MAX_VALUE);
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now, int limit) {
    if (limit < 0) {
      throw new InvalidInputException("limit", limit, "is negative; expected 0 or more");
    }
    return limit == 0 ? List.of() : earliest(now, limit);
  }

  @Override
  public synchronized Optional<Instant> nextRunTime() {
    List<Task> first = earliest(null, 1);
    return first.isEmpty() ? Optional.empty() : first.get(0).nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    List<Task> all = new ArrayList<>();
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement("SELECT id, " + STATE + " FROM " + table)) {
      ps.setLong(1, records.readLimit());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Task task = decode(rs.getString(1), rs.getBytes(2), rs.getLong(3));
          if (task != null) {
            all.add(task);
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot read the tasks of " + table, e);
    } finally {
      quarantineUnreadable();
    }
    all.sort(MemoryStore.ORDER);
    return all;
  }

  /**
   * The earliest readable scheduled tasks at or before {@code now} (null: any time), at most {@code
   * limit}, in store order. The database orders rows by next run time, then id (binary collation),
   * served by the index on both; a further page is read only when rows of the first one were
   * unreadable (they are quarantined meanwhile) or not quite due (within the same microsecond).
   */
  private List<Task> earliest(Instant now, int limit) {
    String sql =
        "SELECT id, "
            + STATE
            + " FROM "
            + table
            + " WHERE next_run_time IS NOT NULL"
            + (now == null ? "" : " AND next_run_time <= ?")
            + " ORDER BY next_run_time, id LIMIT ? OFFSET ?";
    int page = limit >= Integer.MAX_VALUE - 64 ? Integer.MAX_VALUE : limit + 8;
    List<Task> tasks = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int offset = 0;
    while (true) {
      int rows = 0;
      try (Connection c = connection();
          PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, records.readLimit());
        int i = 2;
        if (now != null) {
          ps.setLong(i++, micros(now));
        }
        ps.setInt(i++, page);
        ps.setInt(i, offset);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            Task task = decode(rs.getString(1), rs.getBytes(2), rs.getLong(3));
            if (task == null) {
              continue;
            }
            Instant next = task.nextRunTime().orElse(null);
            if (next == null || (now != null && next.isAfter(now)) || !seen.add(task.id())) {
              continue;
            }
            tasks.add(task);
          }
        }
      } catch (SQLException e) {
        throw new StoreException("Cannot read the due tasks of " + table, e);
      } finally {
        // Unreadable rows leave the table here, so the next page starts that many rows earlier.
        offset -= quarantineUnreadable();
      }
      offset += rows;
      if (tasks.size() >= limit || rows < page) {
        tasks.sort(MemoryStore.ORDER);
        return tasks.size() <= limit ? tasks : new ArrayList<>(tasks.subList(0, limit));
      }
    }
  }

  // ------------------------------------------------------------------ changes

  @Override
  public synchronized void addTask(Task task) {
    checkId(task.id());
    byte[] state = records.write(task);
    try (Connection c = connection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
        ps.setString(1, task.id());
        setMicros(ps, 2, task.nextRunTime().orElse(null));
        ps.setBytes(3, state);
        ps.executeUpdate();
        commit(c);
      } catch (SQLException e) {
        rollback(c);
        if (exists(c, task.id())) {
          throw new ConflictIdException(task.id());
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot add task " + task.id(), e);
    }
  }

  /**
   * Stores new tasks in one transaction (JDBC batches of {@value #IN_LIST} inserts): all of them,
   * or none when an id is taken.
   */
  @Override
  public synchronized void addTasks(List<Task> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    List<byte[]> states = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      checkId(task.id());
      states.add(records.write(task));
    }
    try (Connection c = connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
        for (int i = 0; i < tasks.size(); i++) {
          Task task = tasks.get(i);
          ps.setString(1, task.id());
          setMicros(ps, 2, task.nextRunTime().orElse(null));
          ps.setBytes(3, states.get(i));
          ps.addBatch();
          if ((i + 1) % IN_LIST == 0 || i + 1 == tasks.size()) {
            ps.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        String taken = firstTaken(c, tasks);
        if (taken != null) {
          throw new ConflictIdException(taken);
        }
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot add " + tasks.size() + " tasks to " + table, e);
    }
  }

  /** The first of the tasks whose id is stored, or null. */
  private String firstTaken(Connection c, List<Task> tasks) throws SQLException {
    for (Task task : tasks) {
      if (exists(c, task.id())) {
        return task.id();
      }
    }
    return null;
  }

  @Override
  public synchronized void updateTask(Task task) {
    byte[] state = records.write(task);
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE " + table + " SET next_run_time = ?, state = ? WHERE id = ?")) {
      setMicros(ps, 1, task.nextRunTime().orElse(null));
      ps.setBytes(2, state);
      ps.setString(3, task.id());
      int changed = ps.executeUpdate();
      commit(c);
      if (changed == 0) {
        throw new TaskLookupException(task.id());
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot update task " + task.id(), e);
    }
  }

  @Override
  public synchronized void deleteTask(String id) {
    Objects.requireNonNull(id, "id");
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      int changed = ps.executeUpdate();
      commit(c);
      if (changed == 0) {
        throw new TaskLookupException(id);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot delete task " + id, e);
    }
  }

  /**
   * Writes a batch of the loop's decisions in one transaction: the updates as one JDBC batch, the
   * deletes as {@code DELETE ... WHERE id IN (...)} statements of up to {@value #IN_LIST} ids.
   */
  @Override
  public synchronized void advanceTasks(List<Task> advanced, List<String> finished) {
    if (advanced.isEmpty() && finished.isEmpty()) {
      return;
    }
    List<byte[]> states = new ArrayList<>(advanced.size());
    for (Task task : advanced) {
      states.add(records.rewrite(task)); // stored already: not held to a lowered size limit
    }
    try (Connection c = connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        if (!advanced.isEmpty()) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE " + table + " SET next_run_time = ?, state = ? WHERE id = ?")) {
            for (int i = 0; i < advanced.size(); i++) {
              Task task = advanced.get(i);
              setMicros(ps, 1, task.nextRunTime().orElse(null));
              ps.setBytes(2, states.get(i));
              ps.setString(3, task.id());
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        for (int from = 0; from < finished.size(); from += IN_LIST) {
          List<String> ids = finished.subList(from, Math.min(finished.size(), from + IN_LIST));
          StringBuilder sql =
              new StringBuilder("DELETE FROM ").append(table).append(" WHERE id IN (");
          for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
          }
          try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < ids.size(); i++) {
              ps.setString(i + 1, ids.get(i));
            }
            ps.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "Cannot store the next run times of "
              + (advanced.size() + finished.size())
              + " due tasks in "
              + table,
          e);
    }
  }

  /** Deletes every readable task; unreadable rows are kept, as everywhere in this store. */
  @Override
  public synchronized void removeAllTasks() {
    List<Task> all = allTasks();
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      for (Task task : all) {
        ps.setString(1, task.id());
        ps.addBatch();
      }
      if (!all.isEmpty()) {
        ps.executeBatch();
      }
      commit(c);
    } catch (SQLException e) {
      throw new StoreException("Cannot remove the tasks of " + table, e);
    }
  }

  @Override
  public String toString() {
    return "JdbcStore[" + (url != null ? url : "DataSource") + ", table " + table + "]";
  }

  // ------------------------------------------------------------------ helpers

  private Connection connection() throws SQLException {
    DataSource ds = dataSource;
    if (ds == null) {
      throw new IllegalStateException(this + " is not started");
    }
    return JdbcConnections.withStatementTimeout(ds.getConnection(), statementSeconds);
  }

  private static void commit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static void rollback(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is closed next
    }
  }

  private boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void checkId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new InvalidInputException(
          "task id",
          id.length() > 60 ? id.substring(0, 60) + "..." : id,
          "does not fit the id column; expected 1 to " + MAX_ID_LENGTH + " characters");
    }
  }

  private static void setMicros(PreparedStatement ps, int index, Instant time) throws SQLException {
    if (time == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, micros(time));
    }
  }

  /** Microseconds since the epoch, rounded down; clamped for instants beyond a long's range. */
  static long micros(Instant time) {
    try {
      return Math.floorDiv(ChronoUnit.NANOS.between(Instant.EPOCH, time), 1000L);
    } catch (ArithmeticException tooFar) {
      try {
        return ChronoUnit.MICROS.between(Instant.EPOCH, time);
      } catch (ArithmeticException stillTooFar) {
        return time.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }
  }

  /**
   * The task of a row read with {@link #STATE}, or null when it cannot be read; it is then set
   * aside for the quarantine. A state over the read limit was not fetched ({@code bytes} is null).
   */
  private Task decode(String id, byte[] bytes, long length) {
    if (bytes == null) {
      unreadable.add(new Unreadable(id, records.tooLarge(id, length)));
      return null;
    }
    try {
      return records.read(id, bytes, context);
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable(id, e));
      return null;
    }
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * Moves the rows found unreadable to the quarantine table: in one transaction the row is copied
   * as it is now and deleted, so its bytes are never lost, even when another process rewrote it
   * meanwhile (the newer bytes are then the ones kept, and restore brings them back).
   */
  private int quarantineUnreadable() {
    if (unreadable.isEmpty()) {
      return 0;
    }
    int removed = 0;
    List<Unreadable> found = new ArrayList<>(unreadable);
    unreadable.clear();
    for (Unreadable u : found) {
      boolean moved;
      try {
        moved = moveToQuarantine(u.id(), u.failure().reason().name(), u.failure().getMessage());
      } catch (SQLException e) {
        // Left in the table, as it was; the next read tries again.
        logger.error(
            "Cannot quarantine unreadable task record {} in table {}: {}",
            u.id(),
            table,
            e.getMessage(),
            e);
        continue;
      }
      if (!moved) {
        continue; // deleted meanwhile
      }
      removed++;
      logger.error(
          "Quarantined unreadable task record {} in table {} ({}): {}; list it with"
              + " quarantinedRecords() and restore it with restoreQuarantined(id)",
          u.id(),
          table,
          u.failure().reason(),
          u.failure().getMessage());
      context.dispatch(
          new TaskQuarantinedEvent(
              u.id(), alias, u.failure().reason().name(), u.failure().getMessage()));
    }
    return removed;
  }

  /**
   * Moves a stored task's row to the quarantine table with its exact bytes, in one transaction as
   * an unreadable row; the scheduler logs it and sends the event.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    try {
      return moveToQuarantine(id, reason, detail);
    } catch (SQLException e) {
      throw new StoreException("Cannot quarantine task " + id, e);
    }
  }

  /**
   * Copies the row of {@code id}, as it is now, to the quarantine table and deletes it, in one
   * transaction, so its bytes are never lost.
   *
   * @return whether a row was moved; false when none is stored
   */
  private boolean moveToQuarantine(String id, String reason, String detail) throws SQLException {
    long at = micros(context.clock().instant());
    String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    String message =
        detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL - 3) + "..." : detail;
    try (Connection c = connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement copy =
              c.prepareStatement(
                  "INSERT INTO "
                      + quarantine
                      + " (id, quarantined_at, reason, detail, state) SELECT id, ?, ?, ?, state"
                      + " FROM "
                      + table
                      + " WHERE id = ?");
          PreparedStatement remove = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
        copy.setLong(1, freeQuarantineTime(c, id, at));
        copy.setString(2, why);
        copy.setString(3, message);
        copy.setString(4, id);
        int moved = copy.executeUpdate();
        if (moved > 0) {
          remove.setString(1, id);
          remove.executeUpdate();
        }
        c.commit();
        return moved > 0;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    }
  }

  /**
   * {@code at}, or the first later microsecond with no quarantined record of {@code id}: the key is
   * (id, time), and an id set aside twice in one microsecond keeps both records.
   */
  private long freeQuarantineTime(Connection c, String id, long at) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT MAX(quarantined_at) FROM "
                + quarantine
                + " WHERE id = ? AND quarantined_at >= ?")) {
      ps.setString(1, id);
      ps.setLong(2, at);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return at;
        }
        long latest = rs.getLong(1);
        return rs.wasNull() ? at : latest + 1;
      }
    }
  }

  @Override
  public synchronized List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> list = new ArrayList<>();
    try (Connection c = connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, quarantined_at, reason, detail, state FROM "
                    + quarantine
                    + " ORDER BY quarantined_at, id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        list.add(
            new QuarantinedRecord(
                rs.getString(1),
                rs.getBytes(5),
                rs.getString(3),
                rs.getString(4),
                instant(rs.getLong(2))));
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot read the quarantine table " + quarantine, e);
    }
    return list;
  }

  @Override
  public synchronized Task restoreQuarantined(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    try (Connection c = connection()) {
      long at;
      byte[] raw;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT quarantined_at, state FROM "
                  + quarantine
                  + " WHERE id = ? ORDER BY quarantined_at DESC")) {
        ps.setString(1, taskId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new TaskLookupException(taskId);
          }
          at = rs.getLong(1);
          raw = rs.getBytes(2);
        }
      }
      if (exists(c, taskId)) {
        throw new ConflictIdException(taskId);
      }
      Task task = records.read(taskId, raw, context); // still unreadable: stays quarantined
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)");
          PreparedStatement remove =
              c.prepareStatement(
                  "DELETE FROM " + quarantine + " WHERE id = ? AND quarantined_at = ?")) {
        insert.setString(1, taskId);
        setMicros(insert, 2, task.nextRunTime().orElse(null));
        insert.setBytes(3, records.rewrite(task)); // with the current key and format
        insert.executeUpdate();
        remove.setString(1, taskId);
        remove.setLong(2, at);
        remove.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (exists(c, taskId)) {
          throw new ConflictIdException(taskId);
        }
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
      return task;
    } catch (SQLException e) {
      throw new StoreException("Cannot restore quarantined task " + taskId, e);
    }
  }

  @Override
  public synchronized void discardQuarantined(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    try (Connection c = connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + quarantine + " WHERE id = ?")) {
      ps.setString(1, taskId);
      int changed = ps.executeUpdate();
      commit(c);
      if (changed == 0) {
        throw new TaskLookupException(taskId);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot discard quarantined task " + taskId, e);
    }
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** A database error, with the statement's purpose in the message. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }
}
