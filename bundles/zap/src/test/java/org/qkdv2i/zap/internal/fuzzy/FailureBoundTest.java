package org.qkdv2i.zap.internal.fuzzy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

import org.junit.Test;

/** The analytic failure bound of the fuzzy extractor, from exact binomial tails. */
public class FailureBoundTest {

    private static final CodeParams DEFAULT = CodeParams.forCells(4096);

    @Test
    public void defaultCodeForA4096CellPuf() {
        assertEquals(new CodeParams(7, 8, 18, 2), DEFAULT);
        assertEquals(3570, DEFAULT.cellsUsed());
    }

    @Test
    public void failureBelowOneInAMillionAtFifteenPercent() {
        double p7 = FailureBound.repetitionError(7, 0.15);
        assertEquals(0.012103171875, p7, 1e-12); // 35p^4q^3 + 21p^5q^2 + 7p^6q + p^7
        double fail = FailureBound.reconstructionFailure(DEFAULT, 0.15);
        assertTrue("bound at 15 %: " + fail, fail < 1e-6);
        assertEquals(1.086e-9, fail, 0.01e-9);
        assertTrue(FailureBound.reconstructionFailure(DEFAULT, 0.10) < 1e-20);
        assertTrue(FailureBound.reconstructionFailure(DEFAULT, 0.05) < 1e-40);
        // and where the design stops meeting the target
        assertTrue(FailureBound.reconstructionFailure(DEFAULT, 0.18) > 1e-6);
    }

    @Test
    public void logSpaceTailAgreesWithSixtyDigitDecimalArithmetic() {
        for (double p : new double[] {0.0121, 0.05, 0.3}) {
            for (int from : new int[] {0, 3, 19, 40}) {
                double exact = exactTail(255, p, from);
                double got = FailureBound.upperTail(255, p, from);
                assertEquals("p=" + p + " from=" + from, 1.0, got / exact, 1e-9);
            }
        }
    }

    private static double exactTail(int n, double p, int from) {
        BigDecimal bp = new BigDecimal(p);
        BigDecimal bq = BigDecimal.ONE.subtract(bp);
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = from; i <= n; i++) {
            BigInteger c = BigInteger.ONE;
            for (int j = 0; j < i; j++) {
                c = c.multiply(BigInteger.valueOf(n - j)).divide(BigInteger.valueOf(j + 1));
            }
            MathContext mc = new MathContext(60); // 60 significant digits: exact enough, and fast
            sum = sum.add(new BigDecimal(c).multiply(bp.pow(i, mc), mc).multiply(bq.pow(n - i, mc), mc), mc);
        }
        return sum.round(MathContext.DECIMAL64).doubleValue();
    }
}
