package io.asyncz.process;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The settings of a process pool, checked by {@link ProcessPoolExecutor.Builder}. */
record ProcessPoolSettings(
    int maxWorkers,
    String java,
    List<String> jvmOptions,
    String classPath,
    Duration startTimeout,
    Duration taskTimeout,
    int maxRunsPerWorker,
    Set<String> allowedPackages,
    List<String> registrars) {}
