package dev.autost.domain.surrogate;

import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Gaussian-process regression with a squared-exponential kernel on standardised inputs, the
 * usual surrogate of Bayesian optimisation (Rasmussen and Williams, ch. 2). The targets are
 * standardised; the length scale is chosen from a small grid by the log marginal likelihood, so
 * nothing is tuned by hand per space. The noise term (a tenth of the targets' spread) stands for
 * the noise of one training. Immutable once fitted; thread-safe.
 */
public final class GaussianProcess {
    /** A prediction: mean and standard deviation, in the targets' units. */
    public record Prediction(double mean, double sd) {
        /** Upper confidence bound {@code mean + kappa * sd}. */
        public double upperBound(double kappa) {
            return mean + kappa * sd;
        }
    }

    private static final double NOISE_VARIANCE = 0.01; // on standardised targets
    private static final double[] LENGTH_SCALE_FACTORS = {0.25, 0.5, 1, 2, 4};

    private final double[][] x;
    private final double yMean;
    private final double ySd;
    private final double lengthScale;
    private final DecompositionSolver solver;
    private final RealVector alpha;

    private GaussianProcess(
            double[][] x, double yMean, double ySd, double lengthScale, DecompositionSolver solver, RealVector alpha) {
        this.x = x;
        this.yMean = yMean;
        this.ySd = ySd;
        this.lengthScale = lengthScale;
        this.solver = solver;
        this.alpha = alpha;
    }

    /**
     * Fits {@code y} at the points {@code x} (one row per point, all rows of one length).
     *
     * @throws IllegalArgumentException without points, with rows of different lengths, or with a
     *     non-finite value
     */
    public static GaussianProcess fit(double[][] x, double[] y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(
                    "a fit needs one target per point, got " + x.length + " points and " + y.length + " targets");
        }
        int d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("point " + i + " has " + x[i].length + " features, the first " + d);
            }
            if (!Double.isFinite(y[i]) || Arrays.stream(x[i]).anyMatch(v -> !Double.isFinite(v))) {
                throw new IllegalArgumentException("point " + i + " is not finite");
            }
        }
        double mean = Arrays.stream(y).average().orElse(0);
        double var = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / y.length;
        double sd = var > 1e-12 ? Math.sqrt(var) : 1;
        RealVector target =
                new ArrayRealVector(Arrays.stream(y).map(v -> (v - mean) / sd).toArray());
        double[][] points = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
        GaussianProcess best = null;
        double bestLikelihood = Double.NEGATIVE_INFINITY;
        for (double f : LENGTH_SCALE_FACTORS) {
            double ell = f * Math.sqrt(Math.max(1, d));
            RealMatrix k = new Array2DRowRealMatrix(points.length, points.length);
            for (int i = 0; i < points.length; i++) {
                for (int j = 0; j < points.length; j++) {
                    k.setEntry(i, j, kernel(points[i], points[j], ell) + (i == j ? NOISE_VARIANCE : 0));
                }
            }
            CholeskyDecomposition chol;
            try {
                chol = new CholeskyDecomposition(k);
            } catch (NonPositiveDefiniteMatrixException e) {
                continue;
            }
            DecompositionSolver solver = chol.getSolver();
            RealVector alpha = solver.solve(target);
            // log p(y | X) = -y'K^-1 y / 2 - log|K| / 2 - n log(2 pi) / 2; the last term is the same for every scale
            double likelihood = -0.5 * target.dotProduct(alpha) - 0.5 * Math.log(chol.getDeterminant());
            if (likelihood > bestLikelihood) {
                bestLikelihood = likelihood;
                best = new GaussianProcess(points, mean, sd, ell, solver, alpha);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no length scale gives a positive-definite kernel");
        }
        return best;
    }

    /** The predicted target at {@code point}. */
    public Prediction predict(double[] point) {
        RealVector kStar = new ArrayRealVector(x.length);
        for (int i = 0; i < x.length; i++) {
            kStar.setEntry(i, kernel(x[i], point, lengthScale));
        }
        double mean = kStar.dotProduct(alpha);
        double var = Math.max(0, 1 + NOISE_VARIANCE - kStar.dotProduct(solver.solve(kStar)));
        return new Prediction(yMean + ySd * mean, ySd * Math.sqrt(var));
    }

    /** The length scale the fit chose, in standardised feature units. */
    public double lengthScale() {
        return lengthScale;
    }

    private static double kernel(double[] a, double[] b, double ell) {
        double d2 = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            d2 += d * d;
        }
        return Math.exp(-d2 / (2 * ell * ell));
    }
}
