/**
 * BB84 post-processing basics: bit-packed keys ({@link org.qkdv2i.qkd.postprocessing.Bits}), binary entropy ({@link org.qkdv2i.qkd.postprocessing.Entropy}) and sifting ({@link org.qkdv2i.qkd.postprocessing.Sifting}).
 */
@Version("1.0.0")
@Export
package org.qkdv2i.qkd.postprocessing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
