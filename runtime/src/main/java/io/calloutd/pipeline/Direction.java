package io.calloutd.pipeline;

/**
 * Direction of a packet relative to the protected side. It is defined by configuration (which TUN the
 * packet arrived on, i.e. which interface the kernel received it from), never guessed from addresses.
 */
public enum Direction {
    /** From the outside towards the protected (inside) side: WFP's receive path. */
    INBOUND,
    /** From the protected (inside) side towards the outside: WFP's send path. */
    OUTBOUND
}
