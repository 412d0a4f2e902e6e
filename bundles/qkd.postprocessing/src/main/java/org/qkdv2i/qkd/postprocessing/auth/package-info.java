/**
 * Wegman-Carter authentication of classical messages: GHASH over GF(2^128) XOR a one-time pad per tag.
 * 1.1: {@link org.qkdv2i.qkd.postprocessing.auth.Ghash} public, for drivers that manage their own pads.
 */
@Version("1.1.0")
@Export
package org.qkdv2i.qkd.postprocessing.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
