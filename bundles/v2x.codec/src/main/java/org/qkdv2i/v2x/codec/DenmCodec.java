package org.qkdv2i.v2x.codec;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.message.Denm;

/** UPER codec of the DENM PDU (EN 302 637-3 v1.3.1, protocolVersion 2). */
@ProviderType
public interface DenmCodec extends MessageCodec<Denm> {
}
