package io.asyncz.jdbc;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.jdbc.JdbcStore.StoreException;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The JDBC store's quarantine table: rows set aside (unreadable ones a read met, tasks the
 * scheduler cannot run) by a copy and a delete in one transaction, and listing, restoring and
 * discarding them; called under the store's lock.
 */
final class JdbcQuarantine {
  /** A row a read could not decode, set aside once the read's result set is closed. */
  record Unreadable(String id, CorruptTaskRecordException failure) {}

  private final JdbcStore store;
  private final String table;
  private final String quarantine;
  private final TaskRecords records;

  JdbcQuarantine(JdbcStore store, String table, String quarantine, TaskRecords records) {
    this.store = store;
    this.table = table;
    this.quarantine = quarantine;
    this.records = records;
  }

  /**
   * Moves the rows found unreadable to the quarantine table: in one transaction the row is copied
   * as it is now and deleted, so its bytes are never lost, even when another process rewrote it
   * meanwhile (the newer bytes are then the ones kept, and restore brings them back).
   *
   * @return how many rows left the task table
   */
  int setAside(List<Unreadable> found) {
    Logger logger = store.logger();
    int removed = 0;
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
      store
          .context()
          .dispatch(
              new TaskQuarantinedEvent(
                  u.id(), store.alias(), u.failure().reason().name(), u.failure().getMessage()));
    }
    return removed;
  }

  /** Moves a stored task's row to the quarantine table; whether there was one. */
  boolean quarantineTask(String id, String reason, String detail) {
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
    long at = JdbcSchema.micros(store.context().clock().instant());
    String why =
        reason.length() > JdbcSchema.MAX_REASON
            ? reason.substring(0, JdbcSchema.MAX_REASON)
            : reason;
    String message =
        detail.length() > JdbcSchema.MAX_DETAIL
            ? detail.substring(0, JdbcSchema.MAX_DETAIL - 3) + "..."
            : detail;
    try (Connection c = store.connection()) {
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

  List<QuarantinedRecord> quarantinedRecords() {
    List<QuarantinedRecord> list = new ArrayList<>();
    try (Connection c = store.connection();
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
                JdbcSchema.instant(rs.getLong(2))));
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot read the quarantine table " + quarantine, e);
    }
    return list;
  }

  Task restoreQuarantined(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    try (Connection c = store.connection()) {
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
      if (JdbcSchema.exists(c, table, taskId)) {
        throw new ConflictIdException(taskId);
      }
      Task task = records.read(taskId, raw, store.context()); // still unreadable: stays quarantined
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)");
          PreparedStatement remove =
              c.prepareStatement(
                  "DELETE FROM " + quarantine + " WHERE id = ? AND quarantined_at = ?")) {
        insert.setString(1, taskId);
        JdbcSchema.setMicros(insert, 2, task.nextRunTime().orElse(null));
        insert.setBytes(3, records.rewrite(task)); // with the current key and format
        insert.executeUpdate();
        remove.setString(1, taskId);
        remove.setLong(2, at);
        remove.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (JdbcSchema.exists(c, table, taskId)) {
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

  void discardQuarantined(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + quarantine + " WHERE id = ?")) {
      ps.setString(1, taskId);
      int changed = ps.executeUpdate();
      JdbcConnections.commit(c);
      if (changed == 0) {
        throw new TaskLookupException(taskId);
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot discard quarantined task " + taskId, e);
    }
  }
}
