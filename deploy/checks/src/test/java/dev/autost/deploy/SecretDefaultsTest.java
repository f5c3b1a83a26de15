package dev.autost.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped Secret holds no usable API token: a committed default (it was {@code change-me})
 * would be the token of every cluster that forgot to set one. The key stays, empty, and autost
 * refuses an empty {@code AUTOST_API_TOKEN} or token file (ApiOptionsTest), so an unset
 * Secret fails a start instead of opening the API.
 */
class SecretDefaultsTest {
    static Stream<Arguments> manifests() {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("raw deploy/base", Manifests.rawBase()));
        DeployManifestsTest.KUBECTL.ifPresent(k -> {
            all.add(Arguments.of("overlay laptop", Manifests.render(k, "laptop")));
            all.add(Arguments.of("overlay gpu", Manifests.render(k, "gpu")));
        });
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void secret_apiToken_hasNoDefaultValue(String source, Manifests m) {
        JsonNode secret = m.one("Secret", "autost-secrets");
        JsonNode plain = secret.path("stringData").path("api-token");
        JsonNode encoded = secret.path("data").path("api-token");
        assertTrue(!plain.isMissingNode() || !encoded.isMissingNode(), source + ": api-token key missing");
        String value = plain.isMissingNode()
                ? new String(Base64.getDecoder().decode(encoded.asText()), StandardCharsets.UTF_8)
                : plain.asText();
        assertEquals("", value, source + ": the Secret ships an API token");
    }
}
