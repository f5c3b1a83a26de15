package dev.autost.cli.pipeline;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * A test class that runs containers of locally built images (deploy/containers/build-images),
 * named by the system properties listed. It is reported skipped, with the reason, where no
 * container engine answers or an image is missing; with {@code -Dautost.containers.required=true}
 * (set by .ci/run, which builds the images) it runs regardless, so that a broken setup fails
 * instead of passing as a skip.
 */
@Target(TYPE)
@Retention(RUNTIME)
@ExtendWith(NeedsImages.Condition.class)
@interface NeedsImages {
    /** System properties holding the image names. */
    String[] value();

    /** Enables the class only where its images can run. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            NeedsImages needs = context.getRequiredTestClass().getAnnotation(NeedsImages.class);
            if (needs == null || Boolean.getBoolean("autost.containers.required")) {
                return ConditionEvaluationResult.enabled("containers required");
            }
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.disabled(
                        "no container engine answers (Docker, or podman's API socket via DOCKER_HOST)");
            }
            List<String> missing = new ArrayList<>();
            for (String property : needs.value()) {
                String image = ContainerImages.image(property);
                if (!ContainerImages.exists(image)) {
                    missing.add(image);
                }
            }
            return missing.isEmpty()
                    ? ConditionEvaluationResult.enabled("images present")
                    : ConditionEvaluationResult.disabled(
                            "missing " + String.join(", ", missing) + ": run deploy/containers/build-images");
        }
    }
}
