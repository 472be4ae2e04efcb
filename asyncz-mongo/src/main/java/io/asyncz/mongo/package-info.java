/**
 * The MongoDB task store ({@link io.asyncz.mongo.MongoStore}, aliases {@code mongo}, {@code
 * mongodb}).
 */
package io.asyncz.mongo;
