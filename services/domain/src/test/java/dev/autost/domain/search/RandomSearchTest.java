package dev.autost.domain.search;

import dev.autost.domain.space.SearchSpace;

class RandomSearchTest extends SearchStrategyContract {
    @Override
    SearchStrategy create(SearchSpace space, long seed) {
        return new RandomSearch(Feasibility.of(space), shortSchedule(seed));
    }
}
