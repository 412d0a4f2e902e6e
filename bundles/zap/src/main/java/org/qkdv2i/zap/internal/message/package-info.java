/**
 * Message protection between DAUs (issue 5): AES-256-GCM channels, the IEEE 1609.2 AES-128-CCM
 * pre-shared-key profile and KMAC256 broadcast authentication, all on Bouncy Castle's lightweight
 * API by default; configuration {@code aesGcm = JDK} (PID {@code org.qkdv2i.zap.MessageProtection})
 * moves only the AES-256-GCM computation to the JDK's SunJCE (hardware AES), same wire format.
 * Implementation only; the contract is {@code org.qkdv2i.zap.api.MessageProtection}.
 */
package org.qkdv2i.zap.internal.message;
