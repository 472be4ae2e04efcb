/** The Redis task store ({@link io.asyncz.redis.RedisStore}, alias {@code redis}). */
package io.asyncz.redis;
