package io.calloutd.engine;

/** Final outcome of a classification at one layer. */
public enum Verdict { PERMIT, BLOCK }
