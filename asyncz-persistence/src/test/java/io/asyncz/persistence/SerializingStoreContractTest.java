package io.asyncz.persistence;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.store.MemoryStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import io.asyncz.testkit.StoreContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store contract on a store that keeps every task only as its encoded (and, in the nested case,
 * encrypted) record: what a persistent store does, without the storage. It shows that the codec
 * loses nothing a store must give back, also through the scheduler's quarantine.
 */
class SerializingStoreContractTest extends StoreContract {
  @Override
  protected TaskStore createStore() {
    return new SerializingStore(null);
  }

  /** Records by id; every read decodes them anew. */
  static final class SerializingStore implements TaskStore {
    private final TaskRecords taskRecords;
    private final Map<String, byte[]> records = new TreeMap<>();
    private final List<QuarantinedRecord> quarantine = new ArrayList<>();
    private StoreContext context;

    SerializingStore(Encryption encryption) {
      this.taskRecords =
          encryption == null ? TaskRecords.plain() : TaskRecords.encrypted(encryption);
    }

    @Override
    public void start(StoreContext context, String alias) {
      this.context = context;
    }

    private byte[] write(Task task) {
      return taskRecords.write(task);
    }

    private Task read(String id, byte[] record) {
      return taskRecords.read(id, record, context);
    }

    private List<Task> sorted() {
      List<Task> all = new ArrayList<>();
      records.forEach((id, record) -> all.add(read(id, record)));
      all.sort(MemoryStore.ORDER);
      return all;
    }

    @Override
    public synchronized Optional<Task> lookupTask(String id) {
      byte[] record = records.get(id);
      return record == null ? Optional.empty() : Optional.of(read(id, record));
    }

    @Override
    public synchronized List<Task> dueTasks(Instant now) {
      return sorted().stream()
          .filter(t -> t.nextRunTime().map(n -> !n.isAfter(now)).orElse(false))
          .toList();
    }

    @Override
    public synchronized Optional<Instant> nextRunTime() {
      return sorted().stream().findFirst().flatMap(Task::nextRunTime);
    }

    @Override
    public synchronized List<Task> allTasks() {
      return sorted();
    }

    @Override
    public synchronized void addTask(Task task) {
      if (records.containsKey(task.id())) {
        throw new ConflictIdException(task.id());
      }
      records.put(task.id(), write(task));
    }

    @Override
    public synchronized void updateTask(Task task) {
      if (!records.containsKey(task.id())) {
        throw new TaskLookupException(task.id());
      }
      records.put(task.id(), write(task));
    }

    @Override
    public synchronized void deleteTask(String id) {
      if (records.remove(id) == null) {
        throw new TaskLookupException(id);
      }
    }

    @Override
    public synchronized void removeAllTasks() {
      records.clear();
    }

    @Override
    public synchronized boolean quarantineTask(String id, String reason, String detail) {
      byte[] record = records.remove(id);
      if (record == null) {
        return false;
      }
      quarantine.add(new QuarantinedRecord(id, record, reason, detail, context.clock().instant()));
      return true;
    }

    @Override
    public synchronized List<QuarantinedRecord> quarantinedRecords() {
      return List.copyOf(quarantine);
    }

    @Override
    public synchronized Task restoreQuarantined(String taskId) {
      for (int i = quarantine.size() - 1; i >= 0; i--) {
        QuarantinedRecord entry = quarantine.get(i);
        if (entry.taskId().equals(taskId)) {
          if (records.containsKey(taskId)) {
            throw new ConflictIdException(taskId);
          }
          Task task = read(taskId, entry.raw());
          records.put(taskId, entry.raw());
          quarantine.remove(i);
          return task;
        }
      }
      throw new TaskLookupException(taskId);
    }

    @Override
    public synchronized void discardQuarantined(String taskId) {
      if (!quarantine.removeIf(entry -> entry.taskId().equals(taskId))) {
        throw new TaskLookupException(taskId);
      }
    }
  }
}
