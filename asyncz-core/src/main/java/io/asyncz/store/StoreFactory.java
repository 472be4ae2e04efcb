package io.asyncz.store;

import io.asyncz.PluginOptions;
import java.util.Set;

/**
 * Service-provider interface that makes a store available under an alias, for configuration ({@code
 * asyncz.stores.<alias>.type}), the CLI and {@link TaskStores#create}. A store module on the class
 * path adds its own stores by listing its factory in {@code
 * META-INF/services/io.asyncz.store.StoreFactory}; the core's only alias is {@code memory}.
 *
 * <p>An implementation must:
 *
 * <ul>
 *   <li>name in {@link #options} every option each alias accepts; {@link TaskStores#create} refuses
 *       any other option before {@link #create} is called;
 *   <li>read option values through {@link PluginOptions}, so that a bad value is reported under the
 *       name the user wrote (e.g. {@code asyncz.stores.default.path});
 *   <li>return a new store from every {@link #create} call, without opening connections or files:
 *       that is {@link TaskStore#start}'s job;
 *   <li>have a public no-argument constructor, for {@link java.util.ServiceLoader}.
 * </ul>
 *
 * <p>When two factories claim one alias, the first that {@link java.util.ServiceLoader} finds wins.
 */
public interface StoreFactory {

  /** The aliases this factory answers to, e.g. {@code memory}. */
  Set<String> aliases();

  /** The options the store of {@code alias} accepts. */
  Set<String> options(String alias);

  /**
   * Creates a store.
   *
   * @param alias one of {@link #aliases()}
   * @param options the options, all of them among {@link #options(String)}
   * @throws io.asyncz.InvalidInputException when an option value is invalid, naming the option
   */
  TaskStore create(String alias, PluginOptions options);
}
