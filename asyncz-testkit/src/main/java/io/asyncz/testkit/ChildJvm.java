package io.asyncz.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class in a child JVM on the test's class path, with variables added to its
 * environment: for what a JVM cannot change in itself, such as {@code ASYNCZ_STORE_ENCRYPTION_KEY},
 * which the stores read from the process environment.
 *
 * <pre>{@code
 * ChildJvm.Result result =
 *     ChildJvm.run(MyMain.class, Map.of("ASYNCZ_STORE_ENCRYPTION_KEY", "k"), List.of(dir.toString()));
 * assertThat(result.exitCode()).as(result.stderr()).isZero();
 * }</pre>
 */
public final class ChildJvm {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /**
   * What the child did.
   *
   * @param exitCode its exit code
   * @param stdout what it printed on standard output
   * @param stderr what it printed on standard error
   */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The lines of standard output. */
    public List<String> lines() {
      return stdout.lines().toList();
    }
  }

  private ChildJvm() {}

  /**
   * Runs {@code main} with {@code arguments} and {@code environment} added to this process's
   * environment, and waits for it to end (at most two minutes, then it is killed and this fails).
   *
   * @throws IOException when the child cannot be started
   * @throws InterruptedException when interrupted while waiting
   */
  public static Result run(Class<?> main, Map<String, String> environment, List<String> arguments)
      throws IOException, InterruptedException {
    Objects.requireNonNull(main, "main");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(main.getName());
    command.addAll(arguments);
    Path out = Files.createTempFile("asyncz-child", ".out");
    Path err = Files.createTempFile("asyncz-child", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(environment);
      Process child = builder.start();
      if (!child.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor();
        throw new AssertionError(
            main.getName()
                + " did not end in "
                + TIMEOUT
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          child.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
