package org.qkdv2i.dpn.internal;

/**
 * Internal service between the policy component and the endpoints of this bundle: the
 * policy in force now. Not exported.
 */
@FunctionalInterface
public interface SessionPolicy {

    Policy current();
}
