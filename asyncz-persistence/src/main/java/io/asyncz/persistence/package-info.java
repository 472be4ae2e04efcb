/**
 * What the persistent stores share: the versioned JSON document a task is stored as ({@link
 * io.asyncz.persistence.TaskStateCodec}), encryption at rest ({@link
 * io.asyncz.persistence.Encryption}) and the quarantine of records a store could not read ({@link
 * io.asyncz.store.QuarantinedRecord}), which are kept aside and never deleted.
 */
package io.asyncz.persistence;
