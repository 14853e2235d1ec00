package io.calloutd.callout;

/** Packet facts a clone or reference copies from the view at creation (the view itself is reused). */
record PacketLayout(int ipVersion, int ipHeaderSize, int transportProtocol, int transportHeaderSize, int direction,
                    int interfaceIndex, int subInterfaceIndex, InjectionTag tag, Object origin,
                    boolean aleClassifyRequired) { }
