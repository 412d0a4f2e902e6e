package org.qkdv2i.qkd.postprocessing.cascade;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;

import org.junit.Test;

public class CascadePlanCacheTest {
    @Test
    public void reusesPlansAndEvictsTheLeastRecentlyUsed() {
        CascadePlanCache c = new CascadePlanCache(2);
        CascadePlan a = c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1));
        CascadePlan b = c.get(CascadeVariant.OPTIMISED, 2000, 0.02, 1);
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1)); // a is now the most recent
        c.get(CascadeVariant.ORIGINAL, 1000, 0.02, 1);                 // evicts b
        assertEquals(2, c.size());
        assertSame(a, c.get(CascadeVariant.OPTIMISED, 1000, 0.02, 1));
        assertNotSame(b, c.get(CascadeVariant.OPTIMISED, 2000, 0.02, 1));
    }

    @Test
    public void roundsQberUpInHalfPercentSteps() {
        assertEquals(0.005, CascadePlanCache.roundUp(0.0), 1e-12);
        assertEquals(0.02, CascadePlanCache.roundUp(0.02), 1e-12);
        assertEquals(0.025, CascadePlanCache.roundUp(0.0201), 1e-12);
        assertEquals(0.45, CascadePlanCache.roundUp(0.49), 1e-12);
    }
}
