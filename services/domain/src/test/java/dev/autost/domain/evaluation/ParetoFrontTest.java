package dev.autost.domain.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {
    record P(String name, double acc, double energy) {}

    @Test
    void front_knownPoints_keepsOnlyNonDominated() {
        // a(0.9, 5) b(0.8, 3) c(0.7, 1) on the front; d(0.75, 4) beaten by b; e(0.6, 6) by all; f = a twice.
        List<P> points = List.of(
                new P("a", 0.9, 5),
                new P("b", 0.8, 3),
                new P("c", 0.7, 1),
                new P("d", 0.75, 4),
                new P("e", 0.6, 6),
                new P("f", 0.9, 5));
        assertEquals(
                List.of("a", "f", "b", "c"),
                ParetoFront.front(points, P::acc, P::energy).stream()
                        .map(P::name)
                        .toList());
    }

    @Test
    void front_equalAccuracyHigherEnergy_isDominated() {
        List<P> points = List.of(new P("a", 0.9, 5), new P("b", 0.9, 4));
        assertEquals(
                List.of("b"),
                ParetoFront.front(points, P::acc, P::energy).stream()
                        .map(P::name)
                        .toList());
    }
}
