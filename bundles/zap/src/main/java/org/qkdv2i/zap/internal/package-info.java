/** DAU implementation; nothing here is API. */
package org.qkdv2i.zap.internal;
