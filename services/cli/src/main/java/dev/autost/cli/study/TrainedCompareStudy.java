package dev.autost.cli.study;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.fidelity.RungSchedule;
import dev.autost.domain.space.SearchSpace;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.trainer.TrainerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code autost study --compare} with real training (study 2): every arm of every seed, one
 * after the other on the same trainers, through the pipeline; the table's twin is {@link TableStudy}.
 */
final class TrainedCompareStudy {
    private final StudyCommand command;

    TrainedCompareStudy(StudyCommand command) {
        this.command = command;
    }

    int run() throws IOException {
        if (command.spec.commandLine().getParseResult().hasMatchedOption("--budgets") || command.pipeline) {
            throw new IllegalArgumentException("--budgets and --pipeline belong to --compare --table");
        }
        int seeds = command.seeds();
        SearchSpace s = command.space.resolve();
        List<CompareStudy.Arm> arms =
                CompareStudy.arms(command.armList == null ? "random,flops,sahd,calibrated" : command.armList);
        RungSchedule rungs = command.halving.scheduleOr(StudyCommand.DEFAULT_COMPARE_RUNGS);
        int budget = command.halving.budgetEpochs() > 0
                ? command.halving.budgetEpochs()
                : StudyCommand.DEFAULT_COMPARE_BUDGET;
        CompareStudy.Settings settings = new CompareStudy.Settings(
                s,
                rungs,
                budget,
                command.evolution.population(),
                command.evolution.generations(),
                command.calibrationSize,
                command.training.dataset(),
                command.trainSelection.selection());
        command.checkCluster();
        TrainerConfig trainerSettings =
                command.cluster.localServices() ? command.trainer.template().withConcurrency(command.trainers) : null;
        String id = command.studyId != null
                ? command.studyId
                : "compare-" + s.name() + "-" + command.seed + "-" + System.currentTimeMillis();
        record Run(CompareStudy.Arm arm, long seed, ExperimentSpec spec) {}
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            for (CompareStudy.Arm a : arms) {
                ExperimentSpec e = CompareStudy.spec(settings, id, a, command.seed + i);
                ExperimentPlan.fromSpec(e); // refused here, before anything starts
                runs.add(new Run(a, command.seed + i, e));
            }
        }
        PrintWriter err = command.spec.commandLine().getErr();
        err.printf(
                "autost study --compare %s: %d arm(s) x %d seed(s), %s, %d epochs of %s training images per arm%n",
                id,
                arms.size(),
                seeds,
                rungs,
                budget,
                command.trainer.limitTrain() == 0 ? "all" : String.valueOf(command.trainer.limitTrain()));
        err.flush();
        long t0 = System.nanoTime();
        List<CompareStudy.Row> rows = new ArrayList<>();
        boolean probes = arms.stream().anyMatch(a -> a != CompareStudy.Arm.RANDOM && a != CompareStudy.Arm.FLOPS);
        try (LocalServices services = command.startServices(trainerSettings, probes)) {
            try (ExperimentClient client = new ExperimentClient(services.bootstrapServers())) {
                // One at a time: the arms of a seed must not compete for the trainers' time.
                for (int i = 0; i < runs.size(); i++) {
                    Run run = runs.get(i);
                    ExperimentSpec e = run.spec();
                    client.submit(e);
                    String name = run.arm().id() + " seed " + run.seed();
                    String[] last = {""};
                    ExperimentClient.FollowedExperiment o =
                            client.follow(e.getExperimentId(), command.timeout.timeout(), p -> {
                                long minute = (System.nanoTime() - t0) / 60_000_000_000L;
                                String key = p.trained() + "/" + p.trainExpected() + "@" + minute;
                                if (!key.equals(last[0])) {
                                    err.println(StudyCommand.progressLine(name, p, 0, p.trainExpected(), minute));
                                    err.flush();
                                    last[0] = key;
                                }
                            });
                    CompareStudy.Row row = CompareStudy.row(run.arm(), run.seed(), rungs, o);
                    rows.add(row);
                    err.printf(
                            "study: %s done: %d trained, %d epochs, best accuracy %.4f (%d of %d experiments)%n",
                            name, row.trained(), row.budgetEpochs(), row.bestAccuracy(), i + 1, runs.size());
                    err.flush();
                }
            }
        }
        CompareReport report = new CompareReport(rows);
        PrintWriter o = command.spec.commandLine().getOut();
        o.print(report.markdown());
        o.printf("(%.1f min)%n", (System.nanoTime() - t0) / 6e10);
        o.println("wrote " + report.write(command.output.dir()).resolve("compare.csv"));
        o.flush();
        return 0;
    }
}
