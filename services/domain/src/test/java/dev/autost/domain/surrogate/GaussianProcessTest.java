package dev.autost.domain.surrogate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianProcessTest {
    @Test
    void predict_atAFittedPoint_isCloseToItsTargetAndSure() {
        double[][] x = {{0}, {1}, {2}, {3}, {4}};
        double[] y = {0.1, 0.3, 0.5, 0.7, 0.9};
        GaussianProcess gp = GaussianProcess.fit(x, y);
        GaussianProcess.Prediction p = gp.predict(new double[] {2});
        assertEquals(0.5, p.mean(), 0.05);
        assertTrue(p.sd() < 0.1, "sd " + p.sd());
    }

    @Test
    void predict_farFromEveryPoint_fallsBackToTheMeanWithTheFullSpread() {
        double[][] x = {{0, 0}, {0.5, 0.2}, {1, 0.1}};
        double[] y = {0.6, 0.7, 0.8};
        GaussianProcess gp = GaussianProcess.fit(x, y);
        GaussianProcess.Prediction far = gp.predict(new double[] {50, -50});
        GaussianProcess.Prediction near = gp.predict(new double[] {0.5, 0.2});
        assertEquals(0.7, far.mean(), 1e-6);
        assertTrue(far.sd() > near.sd(), far + " vs " + near);
        assertTrue(far.upperBound(1) > far.mean());
    }

    @Test
    void fit_mismatchedOrNonFiniteInput_isRefusedNamingIt() {
        assertThrows(IllegalArgumentException.class, () -> GaussianProcess.fit(new double[][] {{0}}, new double[] {}));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GaussianProcess.fit(new double[][] {{0}, {Double.NaN}}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("point 1"), e.getMessage());
    }
}
