package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every --json document, on SQLite, is valid against its entry of asyncz-cli-v1.schema.json. */
class JsonSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Cli cli;
  private String store;

  @BeforeEach
  void openStore() {
    cli = new Cli(dir);
    store = "jdbc:sqlite:" + dir.resolve("tasks.db");
  }

  /**
   * The schema's {@code $defs} entry {@code kind}, as a schema of its own; {@code document} is the
   * whole schema (any document).
   */
  private static Schema schemaOf(String kind) throws Exception {
    JsonNode root;
    try (InputStream in = JsonSchemaTest.class.getResourceAsStream("asyncz-cli-v1.schema.json")) {
      root = JSON.readTree(in);
    }
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    if (kind.equals("document")) {
      return registry.getSchema(root);
    }
    assertThat(root.get("$defs").has(kind)).as("$defs has %s", kind).isTrue();
    ObjectNode entry = ((ObjectNode) root.deepCopy());
    entry.remove("anyOf");
    entry.put("$ref", "#/$defs/" + kind);
    return registry.getSchema(entry);
  }

  static List<String> errors(String kind, JsonNode document) throws Exception {
    return schemaOf(kind).validate(document).stream().map(Error::toString).toList();
  }

  /** Runs the command with --json on the store, checks it succeeded, and validates its output. */
  private JsonNode valid(String kind, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    if (!kind.equals("version")) {
      all.addAll(List.of("--store", store));
    }
    all.add("--json");
    Cli.Result r = cli.run(all.toArray(String[]::new));
    assertThat(r.code()).as("%s: %s", String.join(" ", args), r.err()).isZero();
    JsonNode document = JSON.readTree(r.out());
    assertThat(errors(kind, document)).as("%s: %s", String.join(" ", args), r.out()).isEmpty();
    assertThat(errors("document", document)).isEmpty();
    return document;
  }

  @Test
  void everyReadingCommandPrintsADocumentItsSchemaAccepts() throws Exception {
    valid("version", "version");
    valid("task_document", "add", "echo", "--every", "10s", "--id", "tick", "--args", "[\"hi\"]");
    valid("task_document", "add", "echo", "--cron", "0 3 * * *", "--id", "nightly", "--paused");
    valid(
        "task_document",
        "add",
        "echo",
        "--at",
        "2030-02-01T00:00:00Z",
        "--id",
        "once",
        "--name",
        "Once");
    valid("task_document", "inspect", "tick");
    JsonNode list = valid("list", "list");
    assertThat(list.get("tasks")).hasSize(3);
    valid("preview", "preview", "tick", "--count", "3");
    assertThat(valid("preview", "preview", "once").get("exhausted").asBoolean()).isTrue();
    assertThat(valid("timeline", "timeline").get("runs")).isNotEmpty();
    valid("update", "update", "tick", "--every", "5m", "--dry-run");
    assertThat(valid("update", "update", "tick", "--grace", "none", "--yes").has("task")).isTrue();
    assertThat(valid("run", "run", "tick").get("outcome").asText()).isEqualTo("TASK_EXECUTED");
    assertThat(valid("run", "run", "once", "--in-service").get("outcome").asText())
        .isEqualTo("DUE_NOW");
    valid("status", "status");
    valid("instances", "instances");
    JsonNode history = valid("history", "history", "tick");
    assertThat(history.get("runs").findValuesAsText("status")).containsExactly("succeeded");
    assertThat(history.get("runs").get(0).get("source").asText()).isEqualTo("manual");
    valid("history", "history", "--status", "failed,missed", "--since", "1h", "--limit", "5");

    try (Connection c = DriverManager.getConnection(store);
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE asyncz_store SET state = X'7b6e6f74' WHERE id = 'nightly'");
    }
    cli.run("list", "--store", store);
    JsonNode quarantined = valid("quarantine_list", "quarantine", "list");
    assertThat(quarantined.get("records").findValuesAsText("task_id")).containsExactly("nightly");
    assertThat(valid("doctor", "doctor").get("checks")).isNotEmpty();
  }

  @Test
  void schemaRefusesADocumentWithAMissingKeyOrAWrongType() throws Exception {
    cli.run("add", "echo", "--every", "10s", "--id", "tick", "--store", store);
    ObjectNode inspect =
        (ObjectNode) JSON.readTree(cli.run("inspect", "tick", "--store", store, "--json").out());
    assertThat(errors("task_document", inspect)).isEmpty();

    ObjectNode missing = inspect.deepCopy();
    ((ObjectNode) missing.get("task")).remove("next_run_time");
    assertThat(errors("task_document", missing)).anyMatch(e -> e.contains("next_run_time"));

    ObjectNode wrongType = inspect.deepCopy();
    ((ObjectNode) wrongType.get("task")).put("max_instances", "1");
    assertThat(errors("task_document", wrongType)).anyMatch(e -> e.contains("max_instances"));

    ObjectNode extra = inspect.deepCopy();
    extra.put("surprise", true);
    assertThat(errors("task_document", extra)).isNotEmpty();

    ObjectNode otherSchema = inspect.deepCopy();
    otherSchema.put("schema", "asyncz.cli/v2");
    assertThat(errors("task_document", otherSchema)).isNotEmpty();
    assertThat(errors("document", otherSchema)).isNotEmpty();

    JsonNode version = JSON.readTree(cli.run("version", "--json").out());
    assertThat(errors("list", version)).isNotEmpty();
  }
}
