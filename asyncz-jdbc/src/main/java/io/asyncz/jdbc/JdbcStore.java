package io.asyncz.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.asyncz.InvalidInputException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunRetention;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>Run history is kept beside the tasks, in {@code <table>_runs} ({@link #runHistory}).
 */
public final class JdbcStore implements TaskStore, ClusteredStore {
  /** The default table name, as in the seed. */
  public static final String DEFAULT_TABLE = "asyncz_store";

  private final String url;
  private final String username;
  private final String password;
  private final Timeouts timeouts;
  private final boolean pooled;
  private final int statementSeconds;
  private final IdleTransactions idleTransactions;
  private final String table;
  private final String quarantineTable;
  private final JdbcReads reads;
  private final JdbcWrites writes;
  private final JdbcQuarantine quarantine;
  private final JdbcCluster cluster;
  private volatile DataSource dataSource;
  private volatile HikariDataSource ownPool;
  private volatile StoreContext context;
  private volatile Logger logger = LoggerFactory.getLogger("asyncz.stores.default");
  private volatile String alias = "default";
  private volatile String product = "";

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
    this(dataSource, table, records, statementTimeout, null);
  }

  /**
   * A store on a data source the caller owns (the store never closes it), whose statements may each
   * run for {@code statementTimeout} and whose transactions may stay idle for {@code
   * idleTransactionTimeout} before the database ends them (see {@link Timeouts#idleTransaction()}).
   * The setting is made once on each physical connection the store gets (through {@code
   * unwrap(Connection.class)}), as the session setting it is: a pool that resets sessions when a
   * connection is returned drops it, and should set it on the server or role instead.
   *
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   * @param statementTimeout how long a statement may run; rounded up to whole seconds
   * @param idleTransactionTimeout how long a transaction may wait for its client's next statement,
   *     0 for no limit, or null for the statement timeout
   */
  public JdbcStore(
      DataSource dataSource,
      String table,
      TaskRecords records,
      Duration statementTimeout,
      Duration idleTransactionTimeout) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.url = null;
    this.username = null;
    this.password = null;
    this.timeouts = null;
    this.pooled = false;
    this.statementSeconds =
        JdbcConnections.seconds(
            JdbcConnections.checkTimeout("statement_timeout", statementTimeout, Duration.ZERO));
    this.idleTransactions =
        new IdleTransactions(
            idleTransactionTimeout != null
                ? idleTransactionTimeout
                : Duration.ofSeconds(statementSeconds));
    this.table = checkTable(table);
    this.quarantineTable = table + "_quarantine";
    TaskRecords checked = Objects.requireNonNull(records, "records");
    this.quarantine = new JdbcQuarantine(this, this.table, quarantineTable, checked);
    this.reads = new JdbcReads(this, this.table, checked, quarantine);
    this.writes = new JdbcWrites(this, this.table, checked);
    this.cluster = new JdbcCluster(this, this.table, checked, quarantine);
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
    this(url, username, password, table, records, timeouts, true);
  }

  /**
   * A store on a JDBC URL with the given timeouts that opens, on {@link #start}, a HikariCP pool
   * when {@code pooled}, or else opens a connection from the driver for each operation and closes
   * it after: for a store that serves one short command, where starting a pool (its threads, its
   * first connections) costs more than the few connections the command opens. Both give every
   * connection the same driver timeouts.
   *
   * @param username the user, or null when the URL or driver needs none
   * @param password the password, or null
   * @param table the table name, a plain SQL identifier
   * @param records how records are written: plain JSON or encrypted
   * @param timeouts how long to wait for a connection, a validation and a statement
   * @param pooled whether connections come from a pool
   */
  public JdbcStore(
      String url,
      String username,
      String password,
      String table,
      TaskRecords records,
      Timeouts timeouts,
      boolean pooled) {
    if (url == null || !url.startsWith("jdbc:")) {
      throw new InvalidInputException(
          "url", url, "is not a JDBC URL; expected something like jdbc:postgresql://host/db");
    }
    this.url = url;
    this.username = username;
    this.password = password;
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.pooled = pooled;
    this.statementSeconds = JdbcConnections.seconds(timeouts.statement());
    this.idleTransactions = new IdleTransactions(timeouts.idleTransaction());
    this.table = checkTable(table);
    this.quarantineTable = table + "_quarantine";
    TaskRecords checked = Objects.requireNonNull(records, "records");
    this.quarantine = new JdbcQuarantine(this, this.table, quarantineTable, checked);
    this.reads = new JdbcReads(this, this.table, checked, quarantine);
    this.writes = new JdbcWrites(this, this.table, checked);
    this.cluster = new JdbcCluster(this, this.table, checked, quarantine);
  }

  /** The table name. */
  public String table() {
    return table;
  }

  /** The timeouts of the pool this store builds from its URL; empty for a caller's data source. */
  public Optional<Timeouts> timeouts() {
    return Optional.ofNullable(timeouts);
  }

  /** Whether the store on a JDBC URL takes its connections from a pool; false for a caller's. */
  public boolean pooled() {
    return pooled;
  }

  /** How long one statement may run before the store asks the database to cancel it. */
  public Duration statementTimeout() {
    return Duration.ofSeconds(statementSeconds);
  }

  /**
   * How long a transaction of this store may wait for its next statement before the database ends
   * it (and its session); zero when the store sets no limit. See {@link
   * Timeouts#idleTransaction()}.
   */
  public Duration idleTransactionTimeout() {
    return idleTransactions.timeout();
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
   * @param idleTransaction how long a transaction of the store may wait for its next statement
   *     before the database ends it with its session, so that a node cut off from the database in
   *     the middle of a claim (no socket closed) does not hold the claim's row locks until the
   *     server's TCP keepalive: PostgreSQL's {@code idle_in_transaction_session_timeout} (in
   *     milliseconds) or MariaDB's {@code idle_transaction_timeout} (rounded up to whole seconds),
   *     set on each session; MySQL has no such setting. Zero for no limit, else at least 1 s. By
   *     default the statement timeout: shorter than the socket timeout, so that once the driver
   *     gives up on an unanswered {@code COMMIT} the server has ended the transaction if it never
   *     got the {@code COMMIT}, which cannot then commit late
   */
  public record Timeouts(
      Duration connect, Duration validation, Duration statement, Duration idleTransaction) {
    /** Connect 5 s, validation 2 s, statement 10 s, idle transaction 10 s. */
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
      IdleTransactions.check("idle_transaction_timeout", idleTransaction);
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
     * Timeouts whose idle transaction timeout is the statement timeout.
     *
     * @throws InvalidInputException as the canonical constructor
     */
    public Timeouts(Duration connect, Duration validation, Duration statement) {
      this(connect, validation, statement, statement);
    }

    /**
     * These timeouts with another idle transaction timeout: zero for no limit.
     *
     * @throws InvalidInputException for a timeout that is negative, under 1 s (other than zero) or
     *     over 24 hours
     */
    public Timeouts withIdleTransaction(Duration idleTransaction) {
      return new Timeouts(connect, validation, statement, idleTransaction);
    }

    /**
     * Timeouts with the validation timeout derived from {@code connect}: 2 s, or half of {@code
     * connect} when that is shorter, but at least 250 ms; the idle transaction timeout is the
     * statement timeout.
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
    if (url != null && !pooled) {
      dataSource = JdbcConnections.unpooled(url, username, password, timeouts);
    } else if (url != null && ownPool == null) {
      ownPool = JdbcConnections.openPool(url, username, password, alias, timeouts, () -> ownPool);
      dataSource = ownPool;
    }
    try (Connection c = connection()) {
      product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
      JdbcSchema.create(c, table, quarantineTable);
    } catch (SQLException e) {
      throw new StoreException("Cannot create the table " + table, e);
    }
  }

  @Override
  public synchronized void shutdown() {
    String node = cluster.joinedAs();
    if (node != null) {
      try {
        cluster.leave(node);
      } catch (RuntimeException e) {
        // Its heartbeat goes stale instead: the other nodes resolve its runs a little later.
        logger.warn("Cannot leave the cluster of table {}: {}", table, e.getMessage());
      }
    }
    HikariDataSource pool = ownPool;
    if (pool != null) {
      ownPool = null;
      dataSource = null;
      pool.close();
    } else if (url != null) {
      dataSource = null;
    }
  }

  /**
   * The run history, kept in the table {@code <table>_runs} created with the task table: see {@link
   * JdbcRunHistory}.
   */
  @Override
  public Optional<RunHistory> runHistory(RunRetention retention) {
    return Optional.of(new JdbcRunHistory(this, table + "_runs", retention, product));
  }

  // ------------------------------------------------------------------ queries

  @Override
  public synchronized Optional<Task> lookupTask(String id) {
    return reads.lookupTask(id);
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now) {
    return reads.earliest(now, Integer.MAX_VALUE);
  }

  @Override
  public synchronized List<Task> dueTasks(Instant now, int limit) {
    if (limit < 0) {
      throw new InvalidInputException("limit", limit, "is negative; expected 0 or more");
    }
    return limit == 0 ? List.of() : reads.earliest(now, limit);
  }

  @Override
  public synchronized Optional<Instant> nextRunTime() {
    List<Task> first = reads.earliest(null, 1);
    return first.isEmpty() ? Optional.empty() : first.get(0).nextRunTime();
  }

  @Override
  public synchronized List<Task> allTasks() {
    return reads.allTasks();
  }

  // ------------------------------------------------------------------ changes

  @Override
  public synchronized void addTask(Task task) {
    writes.addTask(task);
    cluster.changed();
  }

  /**
   * Stores new tasks in one transaction (JDBC batches of 256 inserts): all of them, or none when an
   * id is taken.
   */
  @Override
  public synchronized void addTasks(List<Task> tasks) {
    writes.addTasks(tasks);
    cluster.changed();
  }

  @Override
  public synchronized void updateTask(Task task) {
    writes.updateTask(task);
    cluster.changed();
  }

  @Override
  public synchronized void deleteTask(String id) {
    writes.deleteTask(id);
  }

  /**
   * Writes a batch of the loop's decisions in one transaction: the updates as one JDBC batch, the
   * deletes as {@code DELETE ... WHERE id IN (...)} statements of up to 256 ids.
   */
  @Override
  public synchronized void advanceTasks(List<Task> advanced, List<String> finished) {
    writes.advanceTasks(advanced, finished);
  }

  /** Deletes every readable task; unreadable rows are kept, as everywhere in this store. */
  @Override
  public synchronized void removeAllTasks() {
    writes.removeTasks(reads.allTasks());
  }

  // ------------------------------------------------------------------ quarantine

  /**
   * Moves a stored task's row to the quarantine table with its exact bytes, in one transaction as
   * an unreadable row; the scheduler logs it and sends the event.
   */
  @Override
  public synchronized boolean quarantineTask(String id, String reason, String detail) {
    return quarantine.quarantineTask(id, reason, detail);
  }

  @Override
  public synchronized List<QuarantinedRecord> quarantinedRecords() {
    return quarantine.quarantinedRecords();
  }

  @Override
  public synchronized Task restoreQuarantined(String taskId) {
    return quarantine.restoreQuarantined(taskId);
  }

  @Override
  public synchronized void discardQuarantined(String taskId) {
    quarantine.discardQuarantined(taskId);
  }

  // ------------------------------------------------------------------ cluster mode

  /**
   * Joins the cluster on PostgreSQL, MariaDB 10.6+ or MySQL 8: creates {@code <table>_cluster},
   * {@code <table>_nodes} and {@code <table>_runs} where missing and refuses cluster tables of a
   * newer format; SQLite and H2 are refused (no row locks to claim with).
   */
  @Override
  public void joinCluster(Node node) {
    cluster.join(node);
  }

  @Override
  public void leaveCluster(String nodeId) {
    cluster.leave(nodeId);
  }

  @Override
  public Instant heartbeat(String nodeId, int runsInFlight) {
    return cluster.heartbeat(nodeId, runsInFlight);
  }

  /**
   * Claims due rows with {@code SELECT ... FOR UPDATE SKIP LOCKED} and, in the same transaction,
   * writes their next run times, deletes the finished ones and inserts a row per run handed out.
   */
  @Override
  public List<Claim> claimDue(String nodeId, Instant dueBy, int limit, Planner planner) {
    return cluster.claimDue(nodeId, dueBy, limit, planner);
  }

  @Override
  public void runsEnded(String nodeId, List<RunKey> runs) {
    cluster.runsEnded(nodeId, runs);
  }

  @Override
  public List<InFlight> takeOverStaleRuns(String nodeId, Duration staleAfter, RerunPolicy rerun) {
    return cluster.takeOverStaleRuns(nodeId, staleAfter, rerun);
  }

  @Override
  public List<Member> members() {
    return cluster.members();
  }

  /**
   * On PostgreSQL, listens on channel {@code asyncz_<table>} on a connection of its own, held while
   * the store is in the cluster; each task this store adds or changes in cluster mode sends a
   * {@code NOTIFY} on it, so that the other nodes claim it at once instead of at their next poll.
   */
  @Override
  public void onChange(Runnable changed) {
    cluster.onChange(changed);
  }

  @Override
  public String toString() {
    return "JdbcStore[" + (url != null ? url : "DataSource") + ", table " + table + "]";
  }

  // ------------------------------------------------------------------ what the parts share

  /**
   * A connection whose statements carry the statement timeout, and whose session ends a transaction
   * left idle (see {@link Timeouts#idleTransaction()}).
   */
  Connection connection() throws SQLException {
    DataSource ds = dataSource;
    if (ds == null) {
      throw new IllegalStateException(this + " is not started");
    }
    Connection c = ds.getConnection();
    try {
      idleTransactions.apply(c, logger);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    return JdbcConnections.withStatementTimeout(c, statementSeconds);
  }

  /** What the scheduler gave at {@link #start}: its clock, its registry, its event dispatch. */
  StoreContext context() {
    return context;
  }

  /** The logger {@code asyncz.stores.<alias>}. */
  Logger logger() {
    return logger;
  }

  /** The alias the scheduler knows this store by. */
  String alias() {
    return alias;
  }

  /** Microseconds since the epoch, as the {@code next_run_time} column holds an instant. */
  static long micros(Instant time) {
    return JdbcSchema.micros(time);
  }

  /** A database error, with the statement's purpose in the message. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }
}
