package org.qkdv2i.v2x.codec;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.message.Cam;

/** UPER codec of the CAM PDU (EN 302 637-2 v1.4.1, protocolVersion 2). */
@ProviderType
public interface CamCodec extends MessageCodec<Cam> {
}
