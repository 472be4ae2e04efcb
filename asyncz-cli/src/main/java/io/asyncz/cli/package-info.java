/**
 * The {@code asyncz} command: operates the tasks of any store from a shell, and runs the scheduler
 * as a service ({@code asyncz start}); see {@code docs/cli.md}.
 */
package io.asyncz.cli;
