/** Tasks: the function to run, its trigger and options, and snapshots for listings. */
package io.asyncz.task;
