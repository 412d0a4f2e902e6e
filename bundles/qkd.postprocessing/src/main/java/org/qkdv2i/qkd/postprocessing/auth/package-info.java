/**
 * Wegman-Carter authentication of classical messages: GHASH over GF(2^128) XOR a one-time pad per tag.
 */
@Version("1.0.0")
@Export
package org.qkdv2i.qkd.postprocessing.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
