/**
 * The JDBC task store: {@link io.asyncz.jdbc.JdbcStore}, aliases {@code jdbc} and {@code
 * sqlalchemy}.
 */
package io.asyncz.jdbc;
