/** Task stores: the {@link io.asyncz.store.TaskStore} contract and the in-memory store. */
package io.asyncz.store;
