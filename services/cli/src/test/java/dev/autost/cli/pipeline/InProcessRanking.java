package dev.autost.cli.pipeline;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.OfflineSearch;
import dev.autost.domain.search.Trial;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import java.util.List;

/** The reference a search through Kafka is judged against: the same plan searched in process. */
public final class InProcessRanking {
    private InProcessRanking() {}

    /** (hash, ask position) of the in-process search with the same plan, best first. */
    public static List<String> of(ExperimentSpec spec) {
        ExperimentPlan plan = ExperimentPlan.fromSpec(spec);
        CostModel costs = new CostModel(plan.space().modelSetting());
        List<Trial> ranking = OfflineSearch.run(
                plan.strategy().create(new Feasibility(plan.space(), costs), plan.settings()),
                OfflineSearch.flopsObjective(costs),
                null);
        return ranking.stream()
                .map(t -> t.candidate().genome().hash() + "@" + t.candidate().id())
                .toList();
    }
}
