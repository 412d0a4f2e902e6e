package org.qkdv2i.v2x.api.adapter;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: register this as a service to receive messages from every {@link V2xStack} (or
 * only some, by service properties). Called on the stack's receive thread: return quickly. An
 * exception thrown here is logged by the stack and does not affect other listeners.
 */
@ConsumerType
@FunctionalInterface
public interface V2xMessageListener {
    /** Optional service property (String or String[]): only these stacks' {@link V2xStack#STACK} names. */
    String STACKS = "v2x.stack";
    /** Optional service property (String or String[]): only these {@link MessageKind} names. */
    String KINDS = "v2x.kinds";

    void received(ReceivedMessage message);
}
