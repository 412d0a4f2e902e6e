/**
 * Message protection between DAUs (issue 5): AES-256-GCM channels, the IEEE 1609.2 AES-128-CCM
 * pre-shared-key profile and KMAC256 broadcast authentication, all on Bouncy Castle's lightweight
 * API. Implementation only; the contract is {@code org.qkdv2i.zap.api.MessageProtection}.
 */
package org.qkdv2i.zap.internal.message;
