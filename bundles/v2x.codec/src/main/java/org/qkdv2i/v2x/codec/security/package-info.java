/**
 * IEEE 1609.2 (2016/2022) / ETSI TS 103 097 v2.1.1 security envelope {@code Ieee1609Dot2Data} in
 * COER (issue 6): {@link org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec} decodes any of its
 * contents into {@link org.qkdv2i.v2x.codec.security.SecuredData} (never throwing on hostile
 * bytes), builds unsecured and ECDSA P-256 signed data, verifies signatures and certificate chains
 * into a typed {@link org.qkdv2i.v2x.codec.security.VerificationResult}, and issues the explicit
 * certificates of a small PKI. EncryptedData is recognised by its recipients' HashedId8; a
 * {@link org.qkdv2i.v2x.codec.security.PskKeyring} finds the PSK channel (the DAU's
 * {@code MessageProtection.ieee1609Psk}) that opens it.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.v2x.codec.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
