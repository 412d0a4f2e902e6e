package org.qkdv2i.v2x.codec;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.message.Bsm;

/**
 * UPER codec of a SAE J2735 MessageFrame (messageId 20) carrying a BasicSafetyMessage; a
 * frame with another messageId decodes to {@link DecodeError.Kind#UNEXPECTED_MESSAGE}.
 */
@ProviderType
public interface BsmCodec extends MessageCodec<Bsm> {
}
