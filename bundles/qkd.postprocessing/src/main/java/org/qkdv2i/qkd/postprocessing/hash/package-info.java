/**
 * Universal hashing: polynomial hash for key verification and Toeplitz hashing (NTT, O(n log n)) for privacy amplification.
 */
@Version("1.2.0")
@Export
package org.qkdv2i.qkd.postprocessing.hash;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
