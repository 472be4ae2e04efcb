/**
 * Asyncz for Java: the exceptions every module shares. Triggers live in {@link io.asyncz.trigger},
 * date-time inputs in {@link io.asyncz.time}.
 */
package io.asyncz;
