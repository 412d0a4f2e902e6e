/**
 * Key management for applications (secure application entities, SAEs): keys for an SAE
 * pair, keys by ID, pool status and pool events. Protocol adapters such as ETSI GS QKD
 * 014 are thin layers over {@link org.qkdv2i.kmm.api.KeyManager}; ETSI GS QKD 004 key streams are
 * {@link org.qkdv2i.kmm.api.KeyStreams} (1.3.0). Key replacement on request:
 * {@link org.qkdv2i.kmm.api.KeyManager#voidKey} and {@link org.qkdv2i.kmm.api.KeyManager#replaceKey}; key authentication counters:
 * {@link org.qkdv2i.kmm.api.KeyAuthStatus} (1.4.0). Allocation by agreed QoS under scarcity:
 * {@link org.qkdv2i.kmm.api.QosStatus} (1.5.0). Open key streams with their ETSI 004 jitter misses:
 * {@link org.qkdv2i.kmm.api.KeyStreams#streams()}, {@link org.qkdv2i.kmm.api.StreamInfo} (1.6.0).
 */
@Version("1.6.0")
@Export
package org.qkdv2i.kmm.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
