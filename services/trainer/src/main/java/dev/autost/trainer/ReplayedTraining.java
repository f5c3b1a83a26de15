package dev.autost.trainer;

import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.benchmark.TableRow;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A training answered from a tabulated benchmark (the replay trainer, {@code --table}): the
 * table's figures after the requested epoch, through the same progress and result messages as a
 * training, marked {@code replayed_from_table}. No network is built; an optional delay per epoch
 * lets halving, running slots and many trainers be exercised at a scale these machines cannot
 * train.
 */
public final class ReplayedTraining {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayedTraining.class);

    private ReplayedTraining() {}

    /**
     * The result a replay trainer called {@code workerId} publishes for {@code req}, without
     * progress messages or delay: for in-process replays that must give the trainer's figures.
     */
    public static TrainResult answer(TableReplay table, TrainRequest req, String workerId) {
        return run(table.withEpochDelay(Duration.ZERO), req, resultOf(req, workerId), p -> {}, () -> true);
    }

    /** What every result of {@code req} starts with, trained or replayed. */
    static TrainResult.Builder resultOf(TrainRequest req, String workerId) {
        return TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(req.getExperimentId())
                .setGenomeHash(req.getGenomeHash())
                .setEpochs(Math.max(1, req.getEpochs()))
                .setWorkerId(workerId);
    }

    /** The result, or null when {@code keepGoing} turned false during a delayed epoch. */
    static TrainResult run(
            TableReplay table,
            TrainRequest req,
            TrainResult.Builder result,
            Consumer<TrainProgress> progress,
            BooleanSupplier keepGoing) {
        result.setReplayedFromTable(table.name());
        TableReplay.Answer a = table.answer(
                req.getGenomeHash(),
                req.getDataset(),
                req.getEpochs(),
                req.getScheduleEpochs(),
                req.getBackbone(),
                req.getTimeSteps());
        if (!a.replayed()) {
            LOG.warn("{}/{}: not in the table: {}", req.getExperimentId(), req.getGenomeHash(), a.refusal());
            return result.setStatus(TrainResult.Status.FAILED)
                    .setFailureReason(a.refusal())
                    .build();
        }
        TableRow row = a.row();
        for (int e = 1; e <= a.epochs(); e++) {
            if (!pause(table.epochDelay().toMillis())) {
                return null;
            }
            progress.accept(TrainProgress.newBuilder()
                    .setSchemaVersion(SchemaVersions.CURRENT)
                    .setExperimentId(req.getExperimentId())
                    .setGenomeHash(req.getGenomeHash())
                    .setEpoch(e)
                    .setEpochs(a.epochs())
                    .setTrainLoss(row.epochTrainLosses().get(e - 1))
                    .setTrainAccuracy(row.epochTrainAccuracies().get(e - 1))
                    .setTestAccuracy(row.testAccuracy(e))
                    .setImagesPerSecond(row.imagesPerSecond())
                    .build());
            if (e < a.epochs() && !keepGoing.getAsBoolean()) {
                return null;
            }
        }
        return result.setStatus(TrainResult.Status.OK)
                .setTestAccuracy(row.testAccuracy(a.epochs()))
                .setTrainLoss(row.epochTrainLosses().get(a.epochs() - 1))
                .setImagesPerSecond(row.imagesPerSecond())
                .setParams(Math.round(row.metrics().get("params")))
                .putAllProxies(row.proxies())
                .addAllEpochTestAccuracies(row.epochTestAccuracies().subList(0, a.epochs()))
                .addAllEpochTrainLosses(row.epochTrainLosses().subList(0, a.epochs()))
                // Its own key: a replayed figure is never reused as a training, nor one as it.
                .setTrainingKey("table:" + row.hash() + ":" + a.epochs())
                .setRecipeKey("table:" + table.name() + ":" + a.epochs())
                .build();
    }

    private static boolean pause(long millis) {
        if (millis <= 0) {
            return true;
        }
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
