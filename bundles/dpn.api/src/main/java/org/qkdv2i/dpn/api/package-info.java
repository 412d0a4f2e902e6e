/**
 * Device Private Network (DPN) API (paper §3-4): the micro-segmented mesh of pairwise
 * secure sessions between Device Authentication Units, and the identity log in which
 * enrolments and revocations are recorded and replicated among base stations.
 * <p>1.1: {@link org.qkdv2i.dpn.api.DpnEndpoint#refusedSetUps()} (counts for telemetry alarms).
 */
@Version("1.1.0")
@Export
package org.qkdv2i.dpn.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
