/**
 * Implementation shared by the core's packages. Not part of the public API: it may change in any
 * release.
 */
package io.asyncz.internal;
