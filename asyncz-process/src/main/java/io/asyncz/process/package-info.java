/**
 * The process-pool executor: tasks run by reference in warm worker JVMs started with the
 * application's class path, with JSON arguments and results over a framed, versioned protocol on
 * the workers' standard streams ({@link io.asyncz.process.ProcessPoolExecutor}, alias {@code
 * processpool}).
 */
package io.asyncz.process;
