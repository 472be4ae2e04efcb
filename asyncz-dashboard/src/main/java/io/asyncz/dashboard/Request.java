package io.asyncz.dashboard;

import java.util.Map;

/**
 * An HTTP request as the transport-neutral handler sees it.
 *
 * @param method the method, upper case
 * @param path the path below the mount point, starting with {@code /}, still percent-encoded
 * @param query the raw query string, or {@code null}
 * @param headers the headers, names in lower case (the first value of each)
 * @param body the body
 * @param client the client's address
 * @param secure whether the request came over TLS
 * @param mount the path the dashboard is mounted under ({@code ""} on its own port)
 */
record Request(
    String method,
    String path,
    String query,
    Map<String, String> headers,
    byte[] body,
    String client,
    boolean secure,
    String mount) {

  String header(String name) {
    return headers.get(name);
  }
}
