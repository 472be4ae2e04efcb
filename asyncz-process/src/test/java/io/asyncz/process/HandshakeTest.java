package io.asyncz.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker talks only to the parent that started it, and the parent only to its own worker. */
class HandshakeTest {

  @Test
  void aWorkerRefusesAParentThatDoesNotKnowItsToken() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            ProcessWorker.class.getName());
    builder.environment().put(Frames.TOKEN_VARIABLE, "the-real-token");
    builder.redirectError(ProcessBuilder.Redirect.PIPE);
    Process worker = builder.start();
    try {
      DataInputStream in = new DataInputStream(worker.getInputStream());
      DataOutputStream out = new DataOutputStream(worker.getOutputStream());
      Map<String, Object> hello = Frames.read(in);
      assertThat(hello).containsEntry("type", "hello").containsEntry("protocol", 1);

      Frames.write(
          out,
          Map.of(
              "type",
              "welcome",
              "protocol",
              Frames.PROTOCOL,
              "token",
              "a-guessed-token",
              "allowed_packages",
              List.of("java.lang")));
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isEqualTo(ProcessWorker.EXIT_REFUSED_PARENT);
      assertThat(in.read()).as("nothing after the hello: no ready, no run").isEqualTo(-1);
      assertThat(new String(worker.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("refused the first frame");
    } finally {
      worker.destroyForcibly();
    }
  }

  @Test
  void aWorkerWithoutATokenRefusesToStart() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ProcessWorker.serve(
            new java.io.ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(),
            null,
            1,
            new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(ProcessWorker.EXIT_REFUSED_PARENT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(Frames.TOKEN_VARIABLE);
  }

  @Test
  void theParentRefusesAHelloWithAnotherTokenOrProtocol() {
    assertThatThrownBy(
            () ->
                Worker.checkHello(Map.of("type", "hello", "protocol", 1, "token", "other"), "mine"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("wrong token");
    assertThatThrownBy(
            () ->
                Worker.checkHello(Map.of("type", "hello", "protocol", 2, "token", "mine"), "mine"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("speaks protocol 2; this executor speaks 1");
  }

  @Test
  void aFrameWithACorruptLengthIsRefused() {
    byte[] garbage = "Exception in thread main".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(
            () -> Frames.read(new DataInputStream(new java.io.ByteArrayInputStream(garbage))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the stream is corrupt");
  }

  @Test
  void exitCodesSayWhatEndedTheWorker() {
    assertThat(Worker.describeExit(137)).isEqualTo("exit code 137, killed by signal 9 (SIGKILL)");
    assertThat(Worker.describeExit(3)).contains("OutOfMemoryError");
    assertThat(Worker.describeExit(7)).isEqualTo("exit code 7");
  }
}
