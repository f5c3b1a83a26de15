package dev.autost.scorer;

import dev.autost.proto.v1.Score;
import java.util.Objects;

/** What {@link ScoreFunction} made of one candidate record: a score or a dead-letter reason. */
public sealed interface ScoreResult {

    /** The candidate was scored. */
    record Scored(Score score) implements ScoreResult {
        public Scored {
            Objects.requireNonNull(score, "score");
        }
    }

    /**
     * The candidate cannot be scored and goes to the dead-letter topic.
     *
     * @param reason human-readable cause, e.g. {@code unknown schema_version 7}
     * @param error what was thrown, or {@code null} when the record was refused without one
     */
    record Rejected(String reason, Throwable error) implements ScoreResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
