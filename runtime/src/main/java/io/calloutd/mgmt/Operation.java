package io.calloutd.mgmt;

import io.calloutd.engine.Filter;
import io.calloutd.engine.FilterTransaction;
import io.calloutd.engine.FilterValidationException;

/** One accepted change inside a transaction: replayable against an engine transaction, and a registry edit. */
interface Operation {
    /** Applies the engine part; returns the added filter or null. */
    Filter engine(FilterTransaction tx) throws FilterValidationException;

    /** Applies the registry part to the transaction's working copy. */
    void registry(ObjectRegistry r);

    /** The object kind changed. */
    Session.Kind kind();

    /** True for an add, false for a delete. */
    boolean add();

    /** The object changed. */
    ManagedObject object();
}
