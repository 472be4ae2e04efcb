package io.asyncz.admin;

import java.time.Instant;
import java.util.List;

/**
 * A scheduler instance.
 *
 * @param identity its identity
 * @param scope where the information comes from ({@code process-local} for this process)
 * @param state its state
 * @param active whether it runs and its heartbeat is fresh
 * @param stale whether its heartbeat is old
 * @param startedAt when it started, or {@code null}
 * @param lastSeenAt when it was last seen
 * @param timezone its zone
 * @param executors its executor aliases
 * @param stores its store aliases
 * @param taskCount how many tasks it sees
 */
public record InstanceView(
    String identity,
    String scope,
    String state,
    boolean active,
    boolean stale,
    Instant startedAt,
    Instant lastSeenAt,
    String timezone,
    List<String> executors,
    List<String> stores,
    int taskCount) {}
