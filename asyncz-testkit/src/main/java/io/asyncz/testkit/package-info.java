/** Test support for code that schedules with Asyncz: virtual time through {@link MutableClock}. */
package io.asyncz.testkit;
