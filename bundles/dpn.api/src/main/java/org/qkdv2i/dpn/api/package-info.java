/**
 * Device Private Network (DPN) API (paper §3-4): the micro-segmented mesh of pairwise
 * secure sessions between Device Authentication Units, and the identity log in which
 * enrolments and revocations are recorded and replicated among base stations.
 * <p>1.1: {@link org.qkdv2i.dpn.api.DpnEndpoint#refusedSetUps()} (counts for telemetry alarms).
 * <p>1.2: fast transition between RSUs of a mobility domain (IEEE 802.11-2020 §13 style):
 * {@link org.qkdv2i.dpn.api.DpnSession#fastTransition()},
 * {@link org.qkdv2i.dpn.api.DpnEndpoint#transferFastTransition}; and
 * {@link org.qkdv2i.dpn.api.DpnSession#quantumKeyId()}.
 */
@Version("1.2.0")
@Export
package org.qkdv2i.dpn.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
