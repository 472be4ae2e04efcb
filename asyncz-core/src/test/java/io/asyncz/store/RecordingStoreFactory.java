package io.asyncz.store;

import io.asyncz.PluginOptions;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A store plugin that only the tests' class path has, as a store module would add one: alias {@code
 * recording}, options {@code label} and {@code settings} (a nested section).
 */
public final class RecordingStoreFactory implements StoreFactory {
  /** Called by the ServiceLoader. */
  public RecordingStoreFactory() {}

  @Override
  public Set<String> aliases() {
    return Set.of("recording");
  }

  @Override
  public Set<String> options(String alias) {
    return Set.of("label", "settings");
  }

  @Override
  public TaskStore create(String alias, PluginOptions options) {
    return new RecordingStore(options.string("label", "unlabelled"), options.asMap());
  }

  /** A memory store that remembers the options it was created with. */
  public static final class RecordingStore implements TaskStore {
    private final MemoryStore tasks = new MemoryStore();
    private final String label;
    private final Map<String, Object> options;

    RecordingStore(String label, Map<String, Object> options) {
      this.label = label;
      this.options = options;
    }

    /** The label option. */
    public String label() {
      return label;
    }

    /** Every option given. */
    public Map<String, Object> options() {
      return options;
    }

    @Override
    public Optional<Task> lookupTask(String id) {
      return tasks.lookupTask(id);
    }

    @Override
    public List<Task> dueTasks(Instant now) {
      return tasks.dueTasks(now);
    }

    @Override
    public Optional<Instant> nextRunTime() {
      return tasks.nextRunTime();
    }

    @Override
    public List<Task> allTasks() {
      return tasks.allTasks();
    }

    @Override
    public void addTask(Task task) {
      tasks.addTask(task);
    }

    @Override
    public void updateTask(Task task) {
      tasks.updateTask(task);
    }

    @Override
    public void deleteTask(String id) {
      tasks.deleteTask(id);
    }

    @Override
    public void removeAllTasks() {
      tasks.removeAllTasks();
    }
  }
}
