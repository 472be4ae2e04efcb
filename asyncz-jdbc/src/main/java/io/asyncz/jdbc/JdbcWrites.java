package io.asyncz.jdbc;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.jdbc.JdbcStore.StoreException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.task.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JDBC store's writes: adding one task or many in one transaction, updating, deleting, and the
 * loop's batches of next run times; a record is made (and held to the size limit) before anything
 * is written. Called under the store's lock.
 */
final class JdbcWrites {
  /** The most rows one JDBC batch inserts, and the most ids one {@code IN} list names. */
  static final int IN_LIST = 256;

  private final JdbcStore store;
  private final String table;
  private final TaskRecords records;

  JdbcWrites(JdbcStore store, String table, TaskRecords records) {
    this.store = store;
    this.table = table;
    this.records = records;
  }

  void addTask(Task task) {
    JdbcSchema.checkId(task.id());
    byte[] state = records.write(task);
    try (Connection c = store.connection()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
        ps.setString(1, task.id());
        JdbcSchema.setMicros(ps, 2, task.nextRunTime().orElse(null));
        ps.setBytes(3, state);
        ps.executeUpdate();
        JdbcConnections.commit(c);
      } catch (SQLException e) {
        JdbcConnections.rollback(c);
        if (JdbcSchema.isDuplicateKey(e) || JdbcSchema.exists(c, table, task.id())) {
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
  void addTasks(List<Task> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    List<byte[]> states = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      JdbcSchema.checkId(task.id());
      states.add(records.write(task));
    }
    try (Connection c = store.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO " + table + " (id, next_run_time, state) VALUES (?, ?, ?)")) {
        for (int i = 0; i < tasks.size(); i++) {
          Task task = tasks.get(i);
          ps.setString(1, task.id());
          JdbcSchema.setMicros(ps, 2, task.nextRunTime().orElse(null));
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
      if (JdbcSchema.exists(c, table, task.id())) {
        return task.id();
      }
    }
    return null;
  }

  void updateTask(Task task) {
    byte[] state = records.write(task);
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE " + table + " SET next_run_time = ?, state = ? WHERE id = ?")) {
      JdbcSchema.setMicros(ps, 1, task.nextRunTime().orElse(null));
      ps.setBytes(2, state);
      ps.setString(3, task.id());
      int changed = ps.executeUpdate();
      JdbcConnections.commit(c);
      if (changed == 0) {
        throw new TaskLookupException(task.id());
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot update task " + task.id(), e);
    }
  }

  void deleteTask(String id) {
    Objects.requireNonNull(id, "id");
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      ps.setString(1, id);
      int changed = ps.executeUpdate();
      JdbcConnections.commit(c);
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
  void advanceTasks(List<Task> advanced, List<String> finished) {
    if (advanced.isEmpty() && finished.isEmpty()) {
      return;
    }
    List<byte[]> states = new ArrayList<>(advanced.size());
    for (Task task : advanced) {
      states.add(records.rewrite(task)); // stored already: not held to a lowered size limit
    }
    try (Connection c = store.connection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        if (!advanced.isEmpty()) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE " + table + " SET next_run_time = ?, state = ? WHERE id = ?")) {
            for (int i = 0; i < advanced.size(); i++) {
              Task task = advanced.get(i);
              JdbcSchema.setMicros(ps, 1, task.nextRunTime().orElse(null));
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

  /** Deletes {@code tasks}, the readable ones a read just gave, in one batch. */
  void removeTasks(List<Task> tasks) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      for (Task task : tasks) {
        ps.setString(1, task.id());
        ps.addBatch();
      }
      if (!tasks.isEmpty()) {
        ps.executeBatch();
      }
      JdbcConnections.commit(c);
    } catch (SQLException e) {
      throw new StoreException("Cannot remove the tasks of " + table, e);
    }
  }
}
