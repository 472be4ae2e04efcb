/**
 * Task stores: the {@link io.asyncz.store.TaskStore} contract, the in-memory store, and the {@link
 * io.asyncz.store.StoreFactory} plugins that {@link io.asyncz.store.TaskStores} creates stores with
 * by alias.
 */
package io.asyncz.store;
