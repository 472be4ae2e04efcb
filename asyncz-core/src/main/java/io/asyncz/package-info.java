/**
 * Asyncz for Java: the exceptions every module shares, and {@link io.asyncz.PluginOptions}, the
 * options executor and store plugins are created with. Triggers live in {@link io.asyncz.trigger},
 * date-time inputs in {@link io.asyncz.time}, configuration in {@link io.asyncz.config}.
 */
package io.asyncz;
