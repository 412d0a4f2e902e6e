/**
 * ASN.1 UPER codecs for the V2X messages of {@code org.qkdv2i.v2x.api.message} (issue 6):
 * {@link org.qkdv2i.v2x.codec.CamCodec} (EN 302 637-2), {@link org.qkdv2i.v2x.codec.DenmCodec}
 * (EN 302 637-3) and {@link org.qkdv2i.v2x.codec.BsmCodec} (SAE J2735 MessageFrame with a
 * BasicSafetyMessage). A decoder never throws on bad bytes: it returns a
 * {@link org.qkdv2i.v2x.codec.DecodeResult} holding either the value or a
 * {@link org.qkdv2i.v2x.codec.DecodeError} that names the field and the bit offset.
 * The codecs are offered as OSGi services; {@link org.qkdv2i.v2x.codec.V2xCodecs} makes
 * them outside a framework.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.codec;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
