package dev.phaseflow.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every 4xx/5xx answer and the data of an {@code error} event.
 *
 * @param error   the code: invalid_request, malformed_json, overloaded, ... (read from {@code kind} too)
 * @param message what went wrong, for people
 * @param field   the request field at fault, for invalid_request; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(@JsonAlias("kind") String error, String message, String field) {
    public static final String EVENT = "error";
}
