package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.asyncz.InvalidInputException;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.QuarantinedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The application's {@code ObjectMapper} (its module for a custom type, its naming strategy) writes
 * a task's arguments for a JDBC store and reads them back into a {@link BeanFunction} method's
 * parameter types after a restart; on either Boot generation.
 */
class ObjectMapperArgumentsTest {
  private static final Invoice INVOICE = new Invoice("ACME Corp", new Money("EUR", 1250));

  private static ApplicationContextRunner runner(DataSource db, ObjectMapper mapper) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AsynczAutoConfiguration.class))
        .withBean(DataSource.class, () -> db)
        .withBean(ObjectMapper.class, () -> mapper)
        .withBean("billing", Billing.class)
        .withPropertyValues(
            "asyncz.stores.db.type=jdbc", "asyncz.stores.db.use_application_datasource=true");
  }

  /** The application's mapper: snake_case names, and its module for {@link Money}. */
  private static ObjectMapper applicationMapper() {
    return JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .addModule(moneyModule())
        .build();
  }

  @Test
  void aStoredArgumentIsWrittenAndReadByTheApplicationsMapperAcrossARestart() throws Exception {
    DataSource db = h2("mapper_roundtrip");
    runner(db, applicationMapper())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context
                  .getBean(Scheduler.class)
                  .task("bean:billing.charge")
                  .id("invoice-7")
                  .args(context.getBean(TaskArguments.class).of(INVOICE))
                  .store("db")
                  .every(Duration.ofHours(1))
                  .add();
            });
    // The record holds what the application's mapper wrote: its names, its module's form.
    assertThat(storedState(db, "invoice-7"))
        .contains("\"args\":[{\"customer_name\":\"ACME Corp\",\"total\":\"EUR 12.50\"}]");

    chargesTheInvoiceAfterARestart(db, "invoice-7");
  }

  @Test
  void theObjectItselfIsWrittenByTheApplicationsMapperForTheStoreAndReadBackAfterARestart()
      throws Exception {
    DataSource db = h2("mapper_object_itself");
    runner(db, applicationMapper())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context
                  .getBean(Scheduler.class)
                  .task("bean:billing.charge")
                  .id("invoice-10")
                  .args(INVOICE)
                  .store("db")
                  .every(Duration.ofHours(1))
                  .add();
              context
                  .getBean(Scheduler.class)
                  .task("bean:billing.charge")
                  .id("invoice-11")
                  .args(context.getBean(TaskArguments.class).of(INVOICE))
                  .store("db")
                  .every(Duration.ofHours(1))
                  .add();
            });
    // The same JSON as TaskArguments.of writes: the application's names, its module's form.
    assertThat(storedState(db, "invoice-10"))
        .contains("\"args\":[{\"customer_name\":\"ACME Corp\",\"total\":\"EUR 12.50\"}]");
    assertThat(argsOf(storedState(db, "invoice-10")))
        .isEqualTo(argsOf(storedState(db, "invoice-11")));

    chargesTheInvoiceAfterARestart(db, "invoice-10");
  }

  @Test
  void anObjectTheMapperCannotWriteIsRefusedWhenAddedWithTheMappersReason() {
    // Without the application's module, Money has nothing Jackson can write.
    ObjectMapper withoutModule =
        JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    runner(h2("mapper_cannot_write"), withoutModule)
        .run(
            context -> {
              Scheduler scheduler = context.getBean(Scheduler.class);
              assertThatThrownBy(
                      () ->
                          scheduler
                              .task("bean:billing.charge")
                              .id("invoice-12")
                              .args(INVOICE)
                              .store("db")
                              .every(Duration.ofHours(1))
                              .add())
                  .isInstanceOf(InvalidInputException.class)
                  .hasMessageContaining(
                      "Invalid argument args[0] of task 'invoice-12': \""
                          + INVOICE
                          + " ("
                          + Invoice.class.getName()
                          + ")\" cannot be written as JSON by the application's Jackson 2"
                          + " ObjectMapper: ")
                  .hasMessageContaining("No serializer found for class " + Money.class.getName())
                  .hasMessageEndingWith("; store 'db' keeps tasks outside this JVM as JSON");
              assertThat(scheduler.getTasks()).isEmpty();
            });
  }

  @Test
  void theMemoryStoreKeepsTheObjectItself() {
    runner(h2("mapper_memory"), applicationMapper())
        .run(
            context -> {
              Scheduler scheduler = context.getBean(Scheduler.class);
              scheduler
                  .task("bean:billing.charge")
                  .id("invoice-13")
                  .args(INVOICE)
                  .every(Duration.ofHours(1))
                  .add();
              assertThat(scheduler.getTask("invoice-13").orElseThrow().args().get(0))
                  .isSameAs(INVOICE);
            });
  }

  @Test
  void aValueTheMapperCannotReadIsRefusedWhenAddedNamingTheArgumentAndTheMappersReason() {
    runner(h2("mapper_refused"), applicationMapper())
        .run(
            context ->
                assertThatThrownBy(
                        () ->
                            context
                                .getBean(Scheduler.class)
                                .task("bean:billing.charge")
                                .args(List.of(java.util.Map.of("total", "twelve euros")))
                                .store("db")
                                .every(Duration.ofHours(1))
                                .add())
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Invalid args[0]: {total=twelve euros}")
                    .hasMessageContaining(
                        "cannot be read as "
                            + Invoice.class.getName()
                            + " by the application's"
                            + " Jackson 2 ObjectMapper for bean:billing.charge")
                    .hasMessageContaining(
                        "\"twelve euros\" is not an amount such as \"EUR 12.50\""));
  }

  @Test
  void aStoredArgumentTheMapperCanNoLongerReadIsQuarantinedSayingWhy() throws Exception {
    DataSource db = h2("mapper_lost_module");
    runner(db, applicationMapper())
        .run(
            context ->
                context
                    .getBean(Scheduler.class)
                    .task("bean:billing.charge")
                    .id("invoice-8")
                    .args(context.getBean(TaskArguments.class).of(INVOICE))
                    .store("db")
                    .every(Duration.ofHours(1))
                    .add());
    byte[] stored = storedBytes(db, "invoice-8");

    // The application no longer registers its module: the stored amount cannot become a Money.
    ObjectMapper withoutModule =
        JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
    runner(db, withoutModule)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Scheduler scheduler = context.getBean(Scheduler.class);
              // Read when listed: the record cannot become a task that would fail every run, so it
              // is set aside with its bytes, never run and never deleted.
              assertThat(scheduler.getTasks("db")).isEmpty();
              QuarantinedRecord record =
                  assertThat(scheduler.quarantinedRecords().get("db")).singleElement().actual();
              assertThat(record.taskId()).isEqualTo("invoice-8");
              assertThat(record.raw()).isEqualTo(stored);
              assertThat(record.detail())
                  .contains("Invalid args[0]: {customer_name=ACME Corp, total=EUR 12.50}")
                  .contains(
                      "cannot be read as "
                          + Invoice.class.getName()
                          + " by the application's Jackson 2 ObjectMapper for bean:billing.charge")
                  .contains("Cannot construct instance of");

              assertThatThrownBy(() -> context.getBean(TaskArguments.class).of(INVOICE))
                  .isInstanceOf(InvalidInputException.class)
                  .hasMessageContaining("Invalid args[0]: " + INVOICE)
                  .hasMessageContaining(
                      "cannot be written as JSON by the application's Jackson 2 ObjectMapper");
            });
  }

  @Test
  void bootFoursDefaultJackson3MapperIsPreferredWhereTheApplicationHasOne() throws Exception {
    DataSource db = h2("mapper_jackson3");
    tools.jackson.databind.module.SimpleModule money3 =
        new tools.jackson.databind.module.SimpleModule("money");
    money3.addSerializer(
        Money.class,
        new tools.jackson.databind.ValueSerializer<>() {
          @Override
          public void serialize(
              Money value,
              tools.jackson.core.JsonGenerator gen,
              tools.jackson.databind.SerializationContext ctxt) {
            gen.writeString(value.toString());
          }
        });
    money3.addDeserializer(
        Money.class,
        new tools.jackson.databind.ValueDeserializer<>() {
          @Override
          public Money deserialize(
              tools.jackson.core.JsonParser p, tools.jackson.databind.DeserializationContext ctxt) {
            return Money.parse(p.getValueAsString());
          }
        });
    tools.jackson.databind.ObjectMapper jackson3 =
        tools.jackson.databind.json.JsonMapper.builder()
            .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .addModule(money3)
            .build();
    // Beside it a Jackson 2 mapper without the module, which must not be the one used.
    ApplicationContextRunner app =
        runner(db, new ObjectMapper())
            .withBean("jsonMapper", tools.jackson.databind.ObjectMapper.class, () -> jackson3);
    app.run(
        context -> {
          context
              .getBean(Scheduler.class)
              .task("bean:billing.charge")
              .id("invoice-9")
              .args(context.getBean(TaskArguments.class).of(INVOICE))
              .store("db")
              .every(Duration.ofHours(1))
              .add();
          // The object itself is written by the same mapper (the Jackson 2 one cannot write Money).
          context
              .getBean(Scheduler.class)
              .task("bean:billing.charge")
              .id("invoice-14")
              .args(INVOICE)
              .store("db")
              .every(Duration.ofHours(1))
              .add();
        });
    assertThat(storedState(db, "invoice-9"))
        .contains("\"args\":[{\"customer_name\":\"ACME Corp\",\"total\":\"EUR 12.50\"}]");
    assertThat(storedState(db, "invoice-14"))
        .contains("\"args\":[{\"customer_name\":\"ACME Corp\",\"total\":\"EUR 12.50\"}]");

    app.run(
        context -> {
          context.getBean(Scheduler.class).runTask("invoice-9");
          Billing billing = context.getBean(Billing.class);
          assertThat(billing.charged.await(30, TimeUnit.SECONDS)).isTrue();
          assertThat(billing.last).isEqualTo(INVOICE);
          assertThatThrownBy(
                  () ->
                      context
                          .getBean(Scheduler.class)
                          .task("bean:billing.charge")
                          .args(List.of(java.util.Map.of("total", "twelve euros")))
                          .store("db")
                          .every(Duration.ofHours(1))
                          .add())
              .hasMessageContaining(
                  "by the application's Jackson 3 ObjectMapper for bean:billing.charge")
              .hasMessageContaining("\"twelve euros\" is not an amount such as \"EUR 12.50\"");
        });
  }

  // ------------------------------------------------------------------ the application

  /** A type only the application's module can write and read: no properties, no creator. */
  static final class Money {
    private static final Pattern AMOUNT = Pattern.compile("([A-Z]{3}) (\\d+)\\.(\\d{2})");
    private final String currency;
    private final long cents;

    Money(String currency, long cents) {
      this.currency = currency;
      this.cents = cents;
    }

    /** Reads {@code EUR 12.50}, refusing anything else as the module's deserializers do. */
    static Money parse(String text) {
      Matcher m = AMOUNT.matcher(String.valueOf(text));
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is not an amount such as \"EUR 12.50\"");
      }
      return new Money(m.group(1), Long.parseLong(m.group(2)) * 100 + Long.parseLong(m.group(3)));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Money m && m.currency.equals(currency) && m.cents == cents;
    }

    @Override
    public int hashCode() {
      return Objects.hash(currency, cents);
    }

    @Override
    public String toString() {
      return String.format("%s %d.%02d", currency, cents / 100, cents % 100);
    }
  }

  /** What the task is given. */
  public record Invoice(String customerName, Money total) {}

  private static SimpleModule moneyModule() {
    SimpleModule module = new SimpleModule("money");
    module.addSerializer(
        Money.class,
        new JsonSerializer<>() {
          @Override
          public void serialize(Money value, JsonGenerator gen, SerializerProvider serializers)
              throws IOException {
            gen.writeString(value.toString());
          }
        });
    module.addDeserializer(
        Money.class,
        new JsonDeserializer<>() {
          @Override
          public Money deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return Money.parse(p.getValueAsString());
          }
        });
    return module;
  }

  /** The bean whose method the stored task names. */
  public static class Billing {
    final CountDownLatch charged = new CountDownLatch(1);
    volatile Invoice last;

    /** Charges the invoice. */
    @BeanFunction
    public void charge(Invoice invoice) {
      last = invoice;
      charged.countDown();
    }
  }

  // ------------------------------------------------------------------ helpers

  private static DataSource h2(String name) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  /** The stored record of a task, as text (the store keeps it unencrypted in this test). */
  private static String storedState(DataSource db, String id) throws Exception {
    return new String(storedBytes(db, id), StandardCharsets.UTF_8);
  }

  /** The {@code "args":[...]} part of a stored record. */
  private static String argsOf(String state) {
    Matcher m = Pattern.compile("\"args\":\\[.*?\\]").matcher(state);
    assertThat(m.find()).as("args in " + state).isTrue();
    return m.group();
  }

  private static byte[] storedBytes(DataSource db, String id) throws Exception {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT state FROM asyncz_store WHERE id = '" + id + "'")) {
      assertThat(r.next()).as("a row for " + id).isTrue();
      return r.getBytes(1);
    }
  }

  /** A new context on {@code db} runs the stored task, which charges the original invoice. */
  private static void chargesTheInvoiceAfterARestart(DataSource db, String taskId) {
    runner(db, applicationMapper())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              context.getBean(Scheduler.class).runTask(taskId);
              Billing billing = context.getBean(Billing.class);
              assertThat(billing.charged.await(30, TimeUnit.SECONDS)).isTrue();
              assertThat(billing.last).isEqualTo(INVOICE);
            });
  }
}
