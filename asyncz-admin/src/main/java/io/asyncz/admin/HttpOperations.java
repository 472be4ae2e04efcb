package io.asyncz.admin;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.asyncz.AsynczException;
import io.asyncz.InvalidInputException;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The operator actions against a remote API (a running {@code asyncz start --dashboard} or an
 * application serving the dashboard), over {@link HttpClient} with an API token. Refusals come back
 * as the exceptions {@link SchedulerOperations} throws, and the server audits the actions under the
 * token's user.
 */
public final class HttpOperations implements Operations {
  private static final String API = "/api/v1";

  private final HttpClient client;
  private final URI base;
  private final String token;
  private final Duration timeout;
  private final ObjectMapper json = AdminJson.mapper();

  /**
   * A client of the API at {@code base} (the dashboard's URL, e.g. {@code http://127.0.0.1:8420},
   * or its mount path in a host application).
   *
   * @param token the API token, sent as {@code Authorization: Bearer}
   * @throws InvalidInputException when {@code base} is not an http or https URL
   */
  public HttpOperations(URI base, String token, Duration timeout) {
    String scheme = base.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || base.getHost() == null) {
      throw new InvalidInputException(
          "--url", base.toString(), "is not an http(s) URL; expected e.g. http://127.0.0.1:8420");
    }
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = token;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public InfoView info() {
    return get("/info", Map.of(), InfoView.class);
  }

  @Override
  public List<InstanceView> instances() {
    return list(call("GET", "/instances", Map.of(), null), "instances", InstanceView.class);
  }

  @Override
  public TaskPage listTasks(TaskFilter filter) {
    return get("/tasks", filter.toParameters(), TaskPage.class);
  }

  @Override
  public TaskView getTask(String id) {
    return get("/tasks/" + segment(id), Map.of(), TaskView.class);
  }

  @Override
  public TaskView createTask(Map<String, Object> spec) {
    return read(call("POST", "/tasks", Map.of(), spec), TaskView.class);
  }

  @Override
  public UpdateResult updateTask(String id, Map<String, Object> changes, boolean dryRun) {
    return read(
        call("PATCH", "/tasks/" + segment(id), Map.of("dry_run", String.valueOf(dryRun)), changes),
        UpdateResult.class);
  }

  @Override
  public RunSubmission runTask(String id) {
    return read(
        call("POST", "/tasks/" + segment(id) + "/run", Map.of(), Map.of()), RunSubmission.class);
  }

  @Override
  public TaskView pauseTask(String id) {
    return read(
        call("POST", "/tasks/" + segment(id) + "/pause", Map.of(), Map.of()), TaskView.class);
  }

  @Override
  public Optional<TaskView> resumeTask(String id) {
    JsonNode body = call("POST", "/tasks/" + segment(id) + "/resume", Map.of(), Map.of());
    if (body.path("removed").asBoolean(false)) {
      return Optional.empty();
    }
    return Optional.of(read(body, TaskView.class));
  }

  @Override
  public void removeTask(String id) {
    call("DELETE", "/tasks/" + segment(id), Map.of(), null);
  }

  @Override
  public BulkResult bulk(String action, List<String> ids) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("action", action);
    body.put("ids", ids);
    return read(call("POST", "/tasks/bulk", Map.of(), body), BulkResult.class);
  }

  @Override
  public PreviewView previewTask(String id, int count) {
    return get(
        "/tasks/" + segment(id) + "/preview",
        Map.of("count", String.valueOf(count)),
        PreviewView.class);
  }

  @Override
  public PreviewView previewSpec(Map<String, Object> spec, int count) {
    return read(
        call("POST", "/preview", Map.of("count", String.valueOf(count)), spec), PreviewView.class);
  }

  @Override
  public Timeline timeline(int hours, int limit) {
    return get(
        "/timeline",
        Map.of("hours", String.valueOf(hours), "limit", String.valueOf(limit)),
        Timeline.class);
  }

  @Override
  public RunList runs(RunQuery q) {
    Map<String, String> p = new LinkedHashMap<>();
    if (q.taskId() != null) {
      p.put("task", q.taskId());
    }
    if (!q.statuses().isEmpty()) {
      p.put(
          "status",
          q.statuses().stream().map(RunStatus::label).sorted().collect(Collectors.joining(",")));
    }
    if (q.from() != null) {
      p.put("from", q.from().toString());
    }
    if (q.to() != null) {
      p.put("to", q.to().toString());
    }
    p.put("limit", String.valueOf(q.limit()));
    if (q.after() != null) {
      p.put("after", q.after());
    }
    return get("/runs", p, RunList.class);
  }

  @Override
  public Optional<RunView> findRun(String runId) {
    try {
      return Optional.of(get("/runs/" + segment(runId), Map.of(), RunView.class));
    } catch (io.asyncz.TaskLookupException notFound) {
      return Optional.empty();
    }
  }

  @Override
  public List<EventView> recentEvents(int limit) {
    return list(
        call("GET", "/events", Map.of("limit", String.valueOf(limit)), null),
        "events",
        EventView.class);
  }

  @Override
  public List<AuditEntry> audit(int limit) {
    return list(
        call("GET", "/audit", Map.of("limit", String.valueOf(limit)), null),
        "entries",
        AuditEntry.class);
  }

  @Override
  public List<QuarantineEntry> quarantine() {
    return list(call("GET", "/quarantine", Map.of(), null), "records", QuarantineEntry.class);
  }

  @Override
  public TaskView restoreQuarantined(String store, String taskId) {
    return read(
        call(
            "POST",
            "/quarantine/" + segment(store) + "/" + segment(taskId) + "/restore",
            Map.of(),
            Map.of()),
        TaskView.class);
  }

  @Override
  public void discardQuarantined(String store, String taskId) {
    call("DELETE", "/quarantine/" + segment(store) + "/" + segment(taskId), Map.of(), null);
  }

  @Override
  public List<DoctorCheck> doctor() {
    return list(call("GET", "/doctor", Map.of(), null), "checks", DoctorCheck.class);
  }

  // ------------------------------------------------------------------ HTTP

  private <T> T get(String path, Map<String, String> params, Class<T> type) {
    return read(call("GET", path, params, null), type);
  }

  private <T> T read(JsonNode node, Class<T> type) {
    try {
      return json.treeToValue(node, type);
    } catch (IOException e) {
      throw new AsynczException(
          "The API answered JSON this client cannot read: " + e.getMessage(), e);
    }
  }

  private <T> List<T> list(JsonNode node, String field, Class<T> type) {
    JavaType listType = json.getTypeFactory().constructCollectionType(List.class, type);
    try {
      return json.treeToValue(node.path(field), listType);
    } catch (IOException e) {
      throw new AsynczException(
          "The API answered JSON this client cannot read: " + e.getMessage(), e);
    }
  }

  private static String segment(String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException("id", value, "is blank; expected an id");
    }
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(String method, String path, Map<String, String> params, Object body) {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach(
        (k, v) ->
            query.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + API + path + query))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(AdminJson.write(body)));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new AsynczException("Cannot reach the API at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AsynczException("Interrupted while calling the API at " + base, e);
    }
    JsonNode node;
    try {
      node = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
    } catch (IOException e) {
      throw new AsynczException(
          "The API at " + base + " answered " + response.statusCode() + " with no JSON", e);
    }
    if (response.statusCode() >= 400) {
      JsonNode error = node.path("error");
      OperationError e;
      try {
        e =
            error.isObject()
                ? json.treeToValue(error, OperationError.class)
                : OperationError.of(response.statusCode(), "http", "HTTP " + response.statusCode());
      } catch (IOException unreadable) {
        e = OperationError.of(response.statusCode(), "http", "HTTP " + response.statusCode());
      }
      throw e.toException();
    }
    return node;
  }
}
