/**
 * V2X message content as immutable records, in the raw units of the ASN.1 definitions
 * (issue 6): ETSI CAM (EN 302 637-2 v1.4.1, {@link org.qkdv2i.v2x.api.message.Cam}), DENM
 * (EN 302 637-3 v1.3.1, {@link org.qkdv2i.v2x.api.message.Denm}) and the SAE J2735 Basic
 * Safety Message core ({@link org.qkdv2i.v2x.api.message.Bsm}). Data elements and their
 * ranges follow the ITS-Container module of ETSI TS 102 894-2 v1.3.1 (version 2, as imported
 * by CAM v1.4.1 and DENM v1.3.1); every constructor rejects values outside the ASN.1 range.
 * Optional ASN.1 components are {@code null} when absent. Small convenience methods convert
 * to SI units and degrees.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
