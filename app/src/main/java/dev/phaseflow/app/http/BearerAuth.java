package dev.phaseflow.app.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks {@code Authorization: Bearer <token>} against the server's token, in constant time. */
final class BearerAuth {
    private static final String PREFIX = "bearer ";
    private final byte[] token;

    BearerAuth(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the bearer token must not be blank");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < PREFIX.length()
                || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return false;
        }
        byte[] given = authorization.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, given);
    }
}
