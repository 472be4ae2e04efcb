package io.asyncz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.jdbc.JdbcStore;
import io.asyncz.mongo.MongoStore;
import io.asyncz.persistence.FileStore;
import io.asyncz.redis.RedisStore;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.spring.AsynczAutoConfiguration;
import io.asyncz.testkit.MutableClock;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published jars as JPMS modules: their names, what the core exports, and the plugins found
 * through the descriptors' {@code uses} and {@code provides} when the jars are loaded in a module
 * layer of their own. An integration test, because it reads the built jars (an automatic module
 * name lives in the jar's manifest), which exist only after {@code package}.
 */
class ModuleDescriptorIT {

  static Stream<Arguments> publishedModules() {
    return Stream.of(
        Arguments.of(Scheduler.class, "io.asyncz.core", false),
        Arguments.of(MutableClock.class, "io.asyncz.testkit", false),
        Arguments.of(FileStore.class, "io.asyncz.persistence", false),
        Arguments.of(JdbcStore.class, "io.asyncz.jdbc", false),
        // Automatic-Module-Name only: their store clients (Jedis, the MongoDB driver) have no
        // descriptor to require (see the modules' pom.xml).
        Arguments.of(RedisStore.class, "io.asyncz.redis", true),
        Arguments.of(MongoStore.class, "io.asyncz.mongo", true),
        // Like Spring Boot's own jars, which it runs among.
        Arguments.of(AsynczAutoConfiguration.class, "io.asyncz.spring", true));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("publishedModules")
  void eachPublishedJarCarriesItsModuleName(Class<?> member, String name, boolean automatic) {
    Path jar = jarOf(member);
    assertThat(jar.getFileName().toString()).endsWith(".jar");

    List<ModuleDescriptor> found =
        ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor).toList();

    assertThat(found).singleElement().extracting(ModuleDescriptor::name).isEqualTo(name);
    assertThat(found.get(0).isAutomatic()).as("automatic").isEqualTo(automatic);
  }

  @Test
  void theCoreExportsEveryPackageButInternalToEveryone() {
    ModuleDescriptor core = descriptorOf(Scheduler.class);

    Set<String> exported =
        core.exports().stream()
            .filter(e -> !e.isQualified())
            .map(Exports::source)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = new TreeSet<>(core.packages());
    expected.remove("io.asyncz.internal");

    assertThat(core.packages()).contains("io.asyncz.internal");
    assertThat(core.exports()).noneMatch(e -> e.source().equals("io.asyncz.internal"));
    assertThat(exported).isEqualTo(expected);
    assertThat(core.requires())
        .filteredOn(r -> !r.name().equals("java.base"))
        .extracting(ModuleDescriptor.Requires::name)
        .containsExactly("org.slf4j");
  }

  @Test
  void pluginsOfEveryModuleAreFoundWhenTheJarsAreLoadedAsModules() throws Exception {
    ModuleLayer layer = publishedModulesLayer();

    Module core = layer.findModule("io.asyncz.core").orElseThrow();
    assertThat(core.getDescriptor().isAutomatic()).isFalse();
    assertThat(core.isExported("io.asyncz.internal")).isFalse();
    assertThat(core.isExported("io.asyncz.scheduler")).isTrue();

    // The core's own lookups, run inside the layer: ServiceLoader there sees only what the
    // descriptors declare (uses in the core, provides in every module), not the class path.
    assertThat(aliases(layer, "io.asyncz.store.TaskStores"))
        .contains("memory", "file", "jdbc", "sqlalchemy", "redis", "mongo", "mongodb");
    assertThat(aliases(layer, "io.asyncz.executor.TaskExecutors"))
        .contains("threadpool", "asyncio", "debug");
    assertThat(aliases(layer, "io.asyncz.trigger.Triggers"))
        .contains("date", "interval", "cron", "and", "or", "shutdown");
  }

  /**
   * The six published jars and what their descriptors require, in one layer whose parent is the
   * platform class loader, so no class can come from this test's class path. The store clients of
   * the two automatic modules come along as automatic modules, as on a user's module path.
   */
  private static ModuleLayer publishedModulesLayer() throws ClassNotFoundException {
    Path[] jars =
        Stream.of(
                Scheduler.class,
                MutableClock.class,
                FileStore.class,
                JdbcStore.class,
                RedisStore.class,
                MongoStore.class,
                Class.forName("org.slf4j.Logger"),
                Class.forName("org.slf4j.simple.SimpleLogger"),
                Class.forName("com.fasterxml.jackson.core.JsonFactory"),
                Class.forName("com.fasterxml.jackson.databind.ObjectMapper"),
                Class.forName("com.fasterxml.jackson.annotation.JsonProperty"),
                Class.forName("com.zaxxer.hikari.HikariDataSource"),
                Class.forName("org.junit.jupiter.api.Test"),
                Class.forName("org.junit.jupiter.params.ParameterizedTest"),
                Class.forName("org.junit.platform.commons.PreconditionViolationException"),
                Class.forName("org.opentest4j.AssertionFailedError"),
                Class.forName("org.assertj.core.api.Assertions"),
                Class.forName("redis.clients.jedis.UnifiedJedis"),
                Class.forName("com.mongodb.client.MongoClient"),
                Class.forName("com.mongodb.MongoClientSettings"),
                Class.forName("org.bson.Document"))
            .map(ModuleDescriptorIT::jarOf)
            .distinct()
            .toArray(Path[]::new);
    ModuleLayer boot = ModuleLayer.boot();
    Configuration configuration =
        boot.configuration()
            .resolveAndBind(
                ModuleFinder.of(jars),
                ModuleFinder.of(),
                Set.of(
                    "io.asyncz.core",
                    "io.asyncz.testkit",
                    "io.asyncz.persistence",
                    "io.asyncz.jdbc",
                    "io.asyncz.redis",
                    "io.asyncz.mongo"));
    return boot.defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
  }

  @SuppressWarnings("unchecked")
  private static Set<String> aliases(ModuleLayer layer, String className) throws Exception {
    Class<?> type = layer.findLoader("io.asyncz.core").loadClass(className);
    assertThat(type.getModule().getName()).isEqualTo("io.asyncz.core");
    return (Set<String>) type.getMethod("aliases").invoke(null);
  }

  private static ModuleDescriptor descriptorOf(Class<?> member) {
    return ModuleFinder.of(jarOf(member)).findAll().iterator().next().descriptor();
  }

  private static Path jarOf(Class<?> member) {
    try {
      Path path = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertThat(Files.isRegularFile(path))
          .as("%s comes from a built jar, not from %s", member.getName(), path)
          .isTrue();
      return path;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
