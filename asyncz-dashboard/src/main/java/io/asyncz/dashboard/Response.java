package io.asyncz.dashboard;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An HTTP response from the transport-neutral handler: a body, or a stream written as it goes. */
final class Response {
  /** Writes a streamed body until the client leaves or the server stops. */
  interface Streamer {
    void stream(OutputStream out) throws IOException;
  }

  final int status;
  final List<Map.Entry<String, String>> headers = new ArrayList<>();
  final byte[] body;
  final Streamer streamer;

  private Response(int status, byte[] body, Streamer streamer) {
    this.status = status;
    this.body = body;
    this.streamer = streamer;
  }

  static Response bytes(int status, String contentType, byte[] body) {
    return new Response(status, body, null).header("Content-Type", contentType);
  }

  static Response text(int status, String text) {
    return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  static Response empty(int status) {
    return new Response(status, new byte[0], null);
  }

  static Response stream(String contentType, Streamer streamer) {
    return new Response(200, null, streamer).header("Content-Type", contentType);
  }

  Response header(String name, String value) {
    headers.add(Map.entry(name, value));
    return this;
  }
}
