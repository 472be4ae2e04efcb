/** Date-time and time-zone inputs as the seed accepts them: naive or zoned, strings or values. */
package io.asyncz.time;
