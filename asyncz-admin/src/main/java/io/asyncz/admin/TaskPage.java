package io.asyncz.admin;

import java.util.List;

/**
 * One page of a task listing.
 *
 * @param tasks the tasks of this page
 * @param total how many tasks match the filter, over all pages
 * @param page the page number, from 1
 * @param size the page size
 */
public record TaskPage(List<TaskView> tasks, int total, int page, int size) {}
