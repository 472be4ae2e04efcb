/** The dashboard's API under load: the task list over 10,000 tasks and the live events. */
package io.asyncz.benchmarks.dashboard;
