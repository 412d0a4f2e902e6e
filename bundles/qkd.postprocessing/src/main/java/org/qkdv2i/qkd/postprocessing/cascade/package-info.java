/**
 * Cascade error reconciliation as two parties exchanging messages: Alice's parity oracle and Bob's corrector (Brassard-Salvail 1993; Martinez-Mateo et al. 2015).
 */
@Version("1.2.0")
@Export
package org.qkdv2i.qkd.postprocessing.cascade;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
