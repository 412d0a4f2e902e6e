package org.qkdv2i.testdriver.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.qkd.api.QkdRole;

/** One end of a test link. Configure both ends with the same linkId and seed. */
@ObjectClassDefinition(name = "QKD test link end",
        description = "Test-only QKD driver: both ends of a link derive the same key blocks with the same IDs "
                + "from a shared seed and the wall clock, without talking to each other. Never use in production.")
@interface TestLinkConfig {

    @AttributeDefinition(description = "Link ID, the same at both ends")
    String linkId();

    @AttributeDefinition(description = "Node this end belongs to")
    String localNode();

    @AttributeDefinition(description = "Node at the other end")
    String peerNode();

    @AttributeDefinition(description = "Physical role reported for this end")
    QkdRole role() default QkdRole.TRANSMITTER;

    @AttributeDefinition(type = AttributeType.PASSWORD,
            description = "Shared secret both ends are configured with; all key material derives from it")
    String seed();

    @AttributeDefinition(description = "Bits per key block (a positive multiple of 8)")
    int blockBits() default 4096;

    @AttributeDefinition(description = "Key blocks per second of wall-clock time")
    double blocksPerSecond() default 20;

    @AttributeDefinition(description = "QBER reported in the link status, 0..1")
    double qber() default 0.02;
}
