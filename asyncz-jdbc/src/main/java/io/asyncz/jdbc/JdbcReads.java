package io.asyncz.jdbc;

import io.asyncz.jdbc.JdbcQuarantine.Unreadable;
import io.asyncz.jdbc.JdbcStore.StoreException;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The JDBC store's reading path: rows read with their state's size first, so that a state over the
 * read limit is never fetched, states decoded into tasks, and the rows that cannot be read handed
 * to the quarantine once the read is over; called under the store's lock.
 */
final class JdbcReads {
  /**
   * The state and its length in bytes, for a query whose first parameter is the read limit: a state
   * over it is not fetched (it comes back null), so a huge row costs nothing but its quarantine.
   */
  private static final String STATE =
      "CASE WHEN OCTET_LENGTH(state) > ? THEN NULL ELSE state END, OCTET_LENGTH(state)";

  private final JdbcStore store;
  private final String table;
  private final TaskRecords records;
  private final JdbcQuarantine quarantine;
  // Rows found unreadable during a read, set aside once the read's result set is closed.
  private final List<Unreadable> unreadable = new ArrayList<>();

  JdbcReads(JdbcStore store, String table, TaskRecords records, JdbcQuarantine quarantine) {
    this.store = store;
    this.table = table;
    this.records = records;
    this.quarantine = quarantine;
  }

  Optional<Task> lookupTask(String id) {
    Objects.requireNonNull(id, "id");
    try (Connection c = store.connection();
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

  List<Task> allTasks() {
    List<Task> all = new ArrayList<>();
    try (Connection c = store.connection();
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
  List<Task> earliest(Instant now, int limit) {
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
      try (Connection c = store.connection();
          PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, records.readLimit());
        int i = 2;
        if (now != null) {
          ps.setLong(i++, JdbcSchema.micros(now));
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
      return records.read(id, bytes, store.context());
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable(id, e));
      return null;
    }
  }

  /** Hands the rows found unreadable to the quarantine; how many left the table. */
  private int quarantineUnreadable() {
    if (unreadable.isEmpty()) {
      return 0;
    }
    List<Unreadable> found = new ArrayList<>(unreadable);
    unreadable.clear();
    return quarantine.setAside(found);
  }
}
