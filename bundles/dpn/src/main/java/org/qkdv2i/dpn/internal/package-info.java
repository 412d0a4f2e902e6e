/** DPN endpoint implementation: sessions over TCP, policy, key schedule. Not exported. */
package org.qkdv2i.dpn.internal;
