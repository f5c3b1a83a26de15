package dev.autost.domain.space;

/**
 * A closed interval constraint; either bound may be absent (null = unbounded).
 *
 * @param min inclusive lower bound, or null
 * @param max inclusive upper bound, or null
 */
public record Window(Double min, Double max) {
    public static final Window UNBOUNDED = new Window(null, null);

    public Window {
        if (min != null && (min.isNaN() || min < 0)) {
            throw new IllegalArgumentException("min must be a non-negative number, got " + min);
        }
        if (max != null && (max.isNaN() || max < 0)) {
            throw new IllegalArgumentException("max must be a non-negative number, got " + max);
        }
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("min " + fmt(min) + " is greater than max " + fmt(max));
        }
    }

    public static Window between(double min, double max) {
        return new Window(min, max);
    }

    public boolean contains(double value) {
        return (min == null || value >= min) && (max == null || value <= max);
    }

    public boolean isUnbounded() {
        return min == null && max == null;
    }

    @Override
    public String toString() {
        return "[" + (min == null ? "-inf" : fmt(min)) + ", " + (max == null ? "+inf" : fmt(max)) + "]";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
