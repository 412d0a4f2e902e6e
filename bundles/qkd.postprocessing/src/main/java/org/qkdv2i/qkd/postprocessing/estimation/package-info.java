/**
 * Parameter estimation for vacuum + weak decoy BB84: asymptotic bounds of Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005) and finite-key bounds of Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014).
 */
@Version("1.0.0")
@Export
package org.qkdv2i.qkd.postprocessing.estimation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
