package org.denoiselab.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API token settings: checked at start-up, named when wrong, compared without revealing them. */
class ApiAuthTest {
    private static final String A = "a".repeat(40);
    private static final String B = "0123456789abcdef0123456789abcdef";

    private static ApiAuth auth(boolean enabled, List<String> tokens, boolean protectReads) {
        ApiAuth auth = new ApiAuth();
        auth.config = new ApiAuthConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Optional<List<String>> tokens() {
                return Optional.ofNullable(tokens);
            }

            @Override
            public boolean protectReads() {
                return protectReads;
            }
        };
        return auth;
    }

    @Test
    void twoTokensAreAcceptedDuringARotationAndNothingElse() {
        ApiAuth auth = auth(true, List.of(A, " " + B + " "), false);
        auth.start(null);
        assertTrue(auth.accepts(A));
        assertTrue(auth.accepts(B));
        assertFalse(auth.accepts(A + "x"));
        assertFalse(auth.accepts(""));
        assertDoesNotThrow(() -> auth.requireTokensFor("POST /experiments"));
    }

    @Test
    void badTokenSettingsStopStartUpNamingTheSetting() {
        String shortToken = "tooshort-but-secret";
        String tooShort = assertThrows(
                        IllegalStateException.class,
                        () -> auth(true, List.of(A, shortToken), false).start(null))
                .getMessage();
        assertTrue(tooShort.startsWith("DENOISE_AUTH_TOKENS") && tooShort.contains("token 2 of 2"), tooShort);
        assertFalse(tooShort.contains(shortToken), "the message never shows a token: " + tooShort);

        String none = assertThrows(
                        IllegalStateException.class,
                        () -> auth(true, null, false).requireTokensFor("POST /experiments"))
                .getMessage();
        assertTrue(
                none.startsWith("DENOISE_AUTH_TOKENS")
                        && none.contains("POST /experiments")
                        && none.contains("DENOISE_AUTH_ENABLED=false"),
                none);
        String reads = assertThrows(
                        IllegalStateException.class,
                        () -> auth(true, List.of(), true).start(null))
                .getMessage();
        assertTrue(reads.contains("DENOISE_AUTH_PROTECT_READS"), reads);

        // explicitly off: no token needed (a machine nobody else reaches)
        ApiAuth off = auth(false, null, true);
        assertDoesNotThrow(() -> off.start(null));
        assertDoesNotThrow(() -> off.requireTokensFor("POST /experiments"));
        assertFalse(off.accepts(A), "off means the policies let everything through, not that any token matches");
    }
}
