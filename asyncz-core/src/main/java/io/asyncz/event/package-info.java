/** Scheduler events with the seed's codes and masks, and the listener that receives them. */
package io.asyncz.event;
