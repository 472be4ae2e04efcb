/**
 * Test support for code that schedules with Asyncz: virtual time through {@link
 * io.asyncz.testkit.MutableClock}, the store contracts every store's tests extend, and {@link
 * io.asyncz.testkit.FaultProxy}, a TCP proxy that cuts, blackholes or slows a store's server.
 */
package io.asyncz.testkit;
