package io.asyncz.admin;

/**
 * One check of {@link Operations#doctor()}.
 *
 * @param check what was checked, e.g. {@code store default}
 * @param level {@code ok}, {@code warning} or {@code error}
 * @param detail what was found
 */
public record DoctorCheck(String check, String level, String detail) {}
